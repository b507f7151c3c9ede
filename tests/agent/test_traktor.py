"""Traktor: history NML files, matched against their COLLECTION for the details."""

import shutil

from pika_dj.sources.traktor import TraktorSource
from tests.agent.conftest import FIXTURES


def history_folder(tmp_path):
    folder = tmp_path / "Traktor 3.11.1" / "History"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "traktor_history.nml", folder / "history_2026y03m14d_22h40m00s.nml")
    return folder


def test_reads_plays_heard_by_the_room(tmp_path, paris_time):
    plays = TraktorSource(history_folder(tmp_path)).read()

    # "Hurt" was only previewed in the headphones (PLAYEDPUBLIC="0").
    assert [(p.artist, p.title, p.played_at.isoformat()) for p in plays] == [
        ("Ella Henderson", "Ghost (WCS Edit)", "2026-03-14T22:47:00+01:00"),
        ("Shawn Mendes & Camila Cabello", "Señorita", "2026-03-14T22:51:00+01:00"),
        ("Ella Henderson", "Ghost (WCS Edit)", "2026-03-15T00:02:00+01:00"),
        ("Unknown Artist", "Lost Track", "2026-03-15T00:06:00+01:00"),
    ]
    assert len({p.source_id for p in plays}) == 4


def test_track_details(tmp_path, paris_time):
    ghost, senorita, *_ = TraktorSource(history_folder(tmp_path)).read()
    assert (ghost.album, ghost.bpm, ghost.key, ghost.duration_ms) == ("Chapter One", 98.0, "Dm", 213412)
    assert senorita.path == "C:/Musique/Senorita.mp3"
    assert ghost.path == "/Volumes/Macintosh HD/Users/dj/Music/WCS/Ghost.mp3"


def test_a_file_caught_mid_rewrite_keeps_the_last_good_read(tmp_path):
    folder = history_folder(tmp_path)
    source = TraktorSource(folder)
    before = source.read()
    nml = next(folder.glob("*.nml"))
    nml.write_bytes(nml.read_bytes()[:700])

    assert source.read() == before


def test_accepts_the_traktor_folder(tmp_path):
    folder = history_folder(tmp_path)
    assert TraktorSource(folder.parent).history_dir == folder
