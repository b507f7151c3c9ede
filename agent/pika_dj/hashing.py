"""file_hash: recognise the same audio file on different laptops, cheaply.

SHA-256 over the decimal file size, a newline, and 64 KiB from the middle of the
file (the whole file when it is smaller). The middle is audio in every common
format: tags live at the start (ID3v2, MP4 atoms) or the end (ID3v1, APE), so
the hash reads one small slice instead of a 10 MB file. The size is part of the
hash, so the same audio with different tags counts as a different file; that
is on purpose, the hash names a file, not a song.
"""

from __future__ import annotations

import hashlib
import os

SLICE = 64 * 1024


def file_hash(path: str) -> str | None:
    """The hex digest, or None when the file is missing or unreadable."""
    if not path:
        return None
    try:
        with open(path, "rb") as audio:
            size = os.fstat(audio.fileno()).st_size
            audio.seek(max(0, size // 2 - SLICE // 2))
            data = audio.read(SLICE)
    except OSError:
        return None
    digest = hashlib.sha256(f"{size}\n".encode("ascii"))
    digest.update(data)
    return digest.hexdigest()
