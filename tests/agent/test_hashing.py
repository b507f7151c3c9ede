"""file_hash: SHA-256 over the size and a 64 KiB slice from the middle of the file."""

import hashlib

from pika_dj.hashing import file_hash


def test_hashes_size_and_middle_slice(tmp_path):
    audio = tmp_path / "song.mp3"
    data = bytes(range(256)) * 40_000  # 10 MB
    audio.write_bytes(data)

    middle = len(data) // 2 - 32 * 1024
    expected = hashlib.sha256(f"{len(data)}\n".encode() + data[middle : middle + 64 * 1024]).hexdigest()
    assert file_hash(str(audio)) == expected


def test_same_file_on_another_laptop_same_hash(tmp_path):
    data = b"ID3" + bytes(500_000)
    (tmp_path / "a.mp3").write_bytes(data)
    (tmp_path / "b.mp3").write_bytes(data)
    assert file_hash(str(tmp_path / "a.mp3")) == file_hash(str(tmp_path / "b.mp3"))


def test_changed_audio_or_size_changes_the_hash(tmp_path):
    data = bytearray(500_000)
    (tmp_path / "a.mp3").write_bytes(data)
    data[250_000] = 1
    (tmp_path / "b.mp3").write_bytes(data)
    (tmp_path / "c.mp3").write_bytes(bytes(500_001))
    hashes = {file_hash(str(tmp_path / name)) for name in ("a.mp3", "b.mp3", "c.mp3")}
    assert len(hashes) == 3


def test_small_file_is_hashed_whole(tmp_path):
    (tmp_path / "tiny.mp3").write_bytes(b"abc")
    assert file_hash(str(tmp_path / "tiny.mp3")) == hashlib.sha256(b"3\nabc").hexdigest()


def test_unreadable_file_has_no_hash(tmp_path):
    assert file_hash(str(tmp_path / "missing.mp3")) is None
    assert file_hash(r"C:\Users\dj\Music\elsewhere.mp3") is None
    assert file_hash("") is None
