"""rekordbox 6 and 7: the history playlists in its encrypted `master.db`.

rekordbox keeps its library in an SQLCipher 4 database. pyrekordbox knows the key
rekordbox uses and where each version keeps the file; the agent opens the file
read-only through SQLCipher itself (rekordbox may be running and writing it) and
reads two tables: `djmdHistory` (one per day/session) and `djmdSongHistory` (one row
per play, `created_at` = when it was played), joined to the track's tags.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

from pika_dj.sources import SourceError
from pika_dj.tracks import Play

# The newest history is tonight's; the one before covers a set that crossed midnight.
RECENT_HISTORIES = 2


def rekordbox_key() -> str:
    """The key rekordbox encrypts master.db with, as pyrekordbox ships it."""
    from pyrekordbox.masterdb.database import BLOB, deobfuscate

    return deobfuscate(BLOB)


def default_database() -> Path | None:
    """Where rekordbox 7 (else 6) keeps master.db on this computer, per pyrekordbox."""
    try:
        from pyrekordbox.config import get_config
    except ImportError:
        return None
    # It warns on stderr about systems without rekordbox (Linux); its answer is enough.
    logging.getLogger("pyrekordbox").setLevel(logging.CRITICAL)
    for version in ("rekordbox7", "rekordbox6"):
        try:
            path = get_config(version, "db_path")
        except Exception:  # pyrekordbox raises several kinds when a version is absent
            continue
        if path:
            return Path(path)
    return None


def _when(text) -> datetime | None:
    """rekordbox writes '2026-03-14 22:47:00.123 +00:00' (UTC)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace(" +", "+").replace(" -", "-"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class RekordboxSource:
    name = "rekordbox"

    def __init__(self, database: str | Path, key: str | None = None):
        path = Path(database).expanduser()
        if path.is_dir():  # rekordbox's folder (Pioneer/rekordbox)
            path = path / "master.db"
        self.database = path
        self._key = key

    @property
    def key(self) -> str:
        return f"rekordbox:{self.database.resolve()}"

    def describe(self) -> str:
        return f"rekordbox history in {self.database}"

    def read(self) -> list[Play]:
        if not self.database.is_file():
            raise SourceError(f"rekordbox database not found: {self.database}")
        try:
            from sqlcipher3 import dbapi2 as sqlcipher
        except ImportError as error:
            raise SourceError("reading rekordbox needs pyrekordbox: pipx inject pika-dj pyrekordbox") from error
        key = self._key or rekordbox_key()
        if not key.isalnum():  # it goes into a PRAGMA, which takes no parameters
            raise SourceError("the rekordbox key must be letters and digits")
        try:
            connection = sqlcipher.connect(f"{self.database.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        except sqlcipher.Error as error:
            raise SourceError(f"cannot open the rekordbox database {self.database}: {error}") from error
        try:
            connection.execute(f"PRAGMA key = '{key}'")
            rows = connection.execute(
                """
                SELECT sh.ID, sh.HistoryID, sh.created_at, c.Title, c.BPM, c.Length, c.FolderPath,
                       a.Name AS artist, al.Name AS album, k.ScaleName AS key_name
                FROM djmdSongHistory sh
                JOIN djmdContent c ON c.ID = sh.ContentID
                LEFT JOIN djmdArtist a ON a.ID = c.ArtistID
                LEFT JOIN djmdAlbum al ON al.ID = c.AlbumID
                LEFT JOIN djmdKey k ON k.ID = c.KeyID
                WHERE sh.rb_local_deleted = 0 AND sh.HistoryID IN (
                    SELECT ID FROM djmdHistory WHERE rb_local_deleted = 0
                    ORDER BY created_at DESC, ID DESC LIMIT ?)
                ORDER BY sh.created_at, sh.TrackNo, sh.ID
                """,
                (RECENT_HISTORIES,),
            ).fetchall()
        except sqlcipher.Error as error:
            raise SourceError(f"cannot read the rekordbox database {self.database}: {error}") from error
        finally:
            connection.close()
        return [self._play(row) for row in rows]

    @staticmethod
    def _play(row) -> Play:
        song_id, history_id, created_at, title, bpm, length, folder, artist, album, key_name = row
        return Play(
            source_id=f"rekordbox-{history_id}-{song_id}",
            artist=artist or "",
            title=title or "",
            album=album or "",
            played_at=_when(created_at),
            bpm=bpm / 100 if bpm else None,  # rekordbox stores BPM × 100
            key=key_name or "",
            duration_ms=int(length) * 1000 if length else None,
            path=folder or "",
        )
