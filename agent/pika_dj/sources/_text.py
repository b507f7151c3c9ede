"""Reading text files that another program is writing right now."""

from __future__ import annotations

import os
import time

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_line(raw: bytes) -> str:
    """UTF-8 as written by current programs; cp1252 as old Windows builds wrote it."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def split_lines(data: bytes) -> tuple[list[str], str]:
    """Complete lines, and the text after the last newline (maybe half-written)."""
    if data.startswith(UTF16_BOMS):
        text = data.decode("utf-16", errors="replace")
        *lines, tail = text.split("\n")
        return [line.rstrip("\r") for line in lines], tail.rstrip("\r")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    *raw_lines, raw_tail = data.split(b"\n")
    lines = [decode_line(raw.rstrip(b"\r")) for raw in raw_lines]
    return lines, decode_line(raw_tail.rstrip(b"\r"))


def read_lines(path: str, settle_seconds: float) -> list[str]:
    """The file's lines. An unterminated last line counts only once the file has
    not changed for `settle_seconds`: until then the writer may be mid-line."""
    with open(path, "rb") as handle:
        data = handle.read()
        modified = os.fstat(handle.fileno()).st_mtime
    lines, tail = split_lines(data)
    if tail.strip() and time.time() - modified >= settle_seconds:
        lines.append(tail)
    return lines
