"""The evidence rules: how artist + title are normalised, and which ISRCs are taken."""

import pytest

from crate.matching import evidence_of, name_key, normalise_artist, normalise_title
from pika.codes import clean_isrc


@pytest.mark.parametrize(("artist", "title", "key"), [
    # case and spacing
    ("ELLA HENDERSON", "  Ghost ", "ella henderson|ghost"),
    # accents
    ("Beyoncé", "Crazy in Lóve", "beyonce|crazy in love"),
    ("Zoë Kravitz", "Ünïcödé", "zoe kravitz|unicode"),
    # feat. in the title, bracketed or bare, and in the artist
    ("Ella Henderson", "Ghost (feat. Someone)", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost [ft. Someone Else]", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost featuring Someone", "ella henderson|ghost"),
    ("Ella Henderson feat. Someone", "Ghost", "ella henderson|ghost"),
    ("Ella Henderson ft Someone", "Ghost", "ella henderson|ghost"),
    ("Beyoncé", "Drunk in Love (feat. Jay-Z)", "beyonce|drunk in love"),
    # several artists: the first one named
    ("Bruno Mars, Anderson .Paak", "Leave the Door Open", "bruno mars|leave the door open"),
    ("Bruno Mars & Anderson .Paak", "Leave the Door Open", "bruno mars|leave the door open"),
    ("Bruno Mars x Anderson .Paak", "Leave the Door Open", "bruno mars|leave the door open"),
    # versions of the same recording are dropped, in every bracket and dash form
    ("Ella Henderson", "Ghost (Radio Edit)", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost - Radio Edit", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost [Original Mix]", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost (Remastered 2014)", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost - 2014 Remaster", "ella henderson|ghost"),
    ("Ella Henderson", "Ghost (feat. X) [Extended Mix]", "ella henderson|ghost"),
    # a named remix is another recording: kept, spelled one way
    ("Ella Henderson", "Ghost (Kaytranada Remix)", "ella henderson|ghost kaytranada remix"),
    ("Ella Henderson", "Ghost [Kaytranada remix]", "ella henderson|ghost kaytranada remix"),
    ("Ella Henderson", "Ghost - Kaytranada Remix", "ella henderson|ghost kaytranada remix"),
    # punctuation
    ("Silk Sonic", "Leave the Door Open!", "silk sonic|leave the door open"),
    ("P!nk", "So What?", "p nk|so what"),
    ("Guns N' Roses", "Sweet Child O' Mine", "guns n roses|sweet child o mine"),
])
def test_the_normalisation_table(artist, title, key):
    assert name_key(artist, title) == key


def test_spellings_of_one_recording_share_one_key():
    spellings = [("Ella Henderson", "Ghost"), ("ELLA HENDERSON feat. X", "Ghóst (Radio Edit)"),
                 ("ella henderson", "Ghost - radio edit"), ("Ella Henderson", "Ghost!")]
    assert {name_key(a, t) for a, t in spellings} == {"ella henderson|ghost"}


def test_an_empty_artist_or_title_has_no_key():
    assert name_key("", "Ghost") == ""
    assert name_key("Ella", "(Radio Edit)") == ""
    assert normalise_artist("  ") == "" and normalise_title("!!!") == ""


@pytest.mark.parametrize(("raw", "clean"), [
    ("USRC11700001", "USRC11700001"),
    ("us-rc1-17-00001", "USRC11700001"),
    (" US RC1 17 00001 ", "USRC11700001"),
    ("USRC1170000", ""),       # 11 characters
    ("USRC117000011", ""),     # 13
    ("1SRC11700001", ""),      # country code must be letters
    ("USRC1170000X", ""),      # the designation is digits
    ("", ""),
    (None, ""),
])
def test_isrc_dashes_spaces_and_case_are_ignored(raw, clean):
    assert clean_isrc(raw) == clean


def test_evidence_is_strongest_first_and_skips_what_is_missing():
    assert evidence_of("ABC123", "us-rc1-17-00001", "Ella", "Ghost") == [
        ("hash", "abc123"), ("isrc", "USRC11700001"), ("name", "ella|ghost")]
    assert evidence_of("", "bad", "Ella", "Ghost") == [("name", "ella|ghost")]
