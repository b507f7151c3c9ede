"""Evidence that ties a played file to a recording: the pure rules, no database.

Three kinds of evidence, strongest first: the agent's file hash, the ISRC, and the
artist + title normalised so that the spellings DJ software produces for one recording
("Ghost (feat. X) [Radio Edit]", "GHOST - radio edit", "Ghóst") meet.
"""

import re
import unicodedata

from pika.codes import clean_isrc

HASH, ISRC, NAME = "hash", "isrc", "name"
KINDS = (HASH, ISRC, NAME)

# "(feat. X)", "[ft X]", or a bare "featuring X" up to a " - ", a bracket or the end.
FEAT_RE = re.compile(
    r"[\(\[]\s*(?:feat|ft|featuring)\b\.?[^\)\]]*[\)\]]|\b(?:feat|ft|featuring)\b\.?\s.*?(?=\s-\s|[\(\[]|$)"
)
# Versions that are the same recording: dropped. A named remix is another recording and
# stays, spelled one way ("(X Remix)", "[X remix]" and "- X Remix" all become "x remix").
SAME_RECORDING = (
    r"original mix|radio edit|radio version|album version|single version|extended mix|"
    r"extended version|clean|explicit|dirty|remaster(?:ed)?(?: \d{4})?|\d{4} remaster(?:ed)?|mono|stereo"
)
SAME_RECORDING_RE = re.compile(rf"[\(\[]\s*(?:{SAME_RECORDING})\s*[\)\]]|\s-\s(?:{SAME_RECORDING})\s*$")
NOT_WORD_RE = re.compile(r"[^\w\s]")


def _fold(text):
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold().replace("&", " and ")


def normalise_artist(artist):
    text = FEAT_RE.sub(" ", _fold(artist))
    # "A x B", "A, B", "A and B": the first named artist carries the identity.
    text = re.split(r"\s(?:x|vs\.?|and)\s|,|;|/", text)[0]
    return " ".join(NOT_WORD_RE.sub(" ", text).replace("_", " ").split())


def normalise_title(title):
    text = _fold(title)
    text = FEAT_RE.sub(" ", text)
    text = SAME_RECORDING_RE.sub(" ", text)
    text = SAME_RECORDING_RE.sub(" ", text)
    return " ".join(NOT_WORD_RE.sub(" ", text).replace("_", " ").split())


def name_key(artist, title):
    """One key for one recording's artist + title, or "" when either is empty."""
    artist, title = normalise_artist(artist), normalise_title(title)
    return f"{artist}|{title}" if artist and title else ""


def evidence_of(file_hash="", isrc="", artist="", title=""):
    """[(kind, value), ...] strongest first, empty values left out."""
    found = [(HASH, (file_hash or "").strip().lower()), (ISRC, clean_isrc(isrc)), (NAME, name_key(artist, title))]
    return [(kind, value) for kind, value in found if value]
