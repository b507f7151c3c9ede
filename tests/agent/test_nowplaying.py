"""A now-playing text file (DJUCED, djay, streaming tools): one line, rewritten per track."""

import os
from datetime import datetime, timezone

import pytest

from pika_dj.sources import SourceError
from pika_dj.sources.nowplaying import NowPlayingSource


def write(path, data: bytes, at: float):
    path.write_bytes(data)
    os.utime(path, (at, at))


def test_each_rewrite_is_a_play_named_by_its_text_and_time(tmp_path):
    playing = tmp_path / "NowPlaying.txt"
    write(playing, "\ufeffElla Henderson - Ghost (WCS Edit)\r\n".encode(), 1773528420.7)
    source = NowPlayingSource(tmp_path)

    first = source.read()
    assert [(p.artist, p.title, p.played_at) for p in first] == [
        ("Ella Henderson", "Ghost (WCS Edit)", datetime(2026, 3, 14, 22, 47, tzinfo=timezone.utc))]
    assert source.read() == first  # read again: the same play

    write(playing, b"Ella Henderson - Ghost (WCS Edit)", 1773529380)  # the same song again, later
    again = source.read()
    assert again[0].title == "Ghost (WCS Edit)" and again[0].source_id != first[0].source_id


def test_cp1252_and_a_line_without_an_artist(tmp_path):
    playing = tmp_path / "now_playing.txt"
    write(playing, "Café Olé".encode("cp1252"), 1773528420)
    assert [(p.artist, p.title) for p in NowPlayingSource(playing).read()] == [("", "Café Olé")]


def test_an_empty_file_is_nothing_playing(tmp_path):
    write(tmp_path / "nowplaying.txt", b"\r\n", 1773528420)
    assert NowPlayingSource(tmp_path).read() == []


def test_a_folder_without_one_or_a_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="no now-playing file \\(such as nowplaying.txt\\) in "):
        NowPlayingSource(tmp_path).read()
    write(tmp_path / "nowplaying.txt", b"ID3\x04\x00\x00" * 10, 1773528420)
    with pytest.raises(SourceError, match="nowplaying.txt is not a one-line text file"):
        NowPlayingSource(tmp_path).read()
