"""VAPID keys: from settings, else made once and kept under PIKA_VAR_DIR; the command makes a pair."""

import stat
from io import StringIO

from django.core.management import call_command
from py_vapid import Vapid

from announcements import push


def test_without_a_configured_key_one_is_made_on_first_use_and_kept(settings, tmp_path):
    settings.PIKA_VAR_DIR = tmp_path
    settings.PIKA_VAPID_PRIVATE_KEY = ""

    first = push.public_key()
    kept = tmp_path / push.VAPID_KEY_FILE

    assert kept.exists()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert push.public_key() == first
    assert push.public_key_of(Vapid.from_raw(kept.read_text().strip().encode())) == first
    assert [path.name for path in tmp_path.iterdir()] == [push.VAPID_KEY_FILE]  # no temporary left behind


def test_a_configured_key_wins(settings, tmp_path):
    settings.PIKA_VAR_DIR = tmp_path
    settings.PIKA_VAPID_PRIVATE_KEY = push.new_private_key()

    assert push.public_key() == push.public_key_of(Vapid.from_raw(settings.PIKA_VAPID_PRIVATE_KEY.encode()))
    assert not (tmp_path / push.VAPID_KEY_FILE).exists()


def test_a_key_made_by_another_process_meanwhile_is_the_one_used(settings, tmp_path):
    settings.PIKA_VAR_DIR = tmp_path
    settings.PIKA_VAPID_PRIVATE_KEY = ""
    theirs = push.new_private_key()
    (tmp_path / push.VAPID_KEY_FILE).write_text(theirs + "\n")

    assert push.public_key() == push.public_key_of(Vapid.from_raw(theirs.encode()))


def test_the_command_prints_a_matching_pair(settings):
    out, err = StringIO(), StringIO()

    call_command("vapid_keys", stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    private_key = lines[0].removeprefix("PIKA_VAPID_PRIVATE_KEY=")
    public_key = lines[1].removeprefix("# public key (what browsers subscribe with): ")
    assert lines[0].startswith("PIKA_VAPID_PRIVATE_KEY=") and len(push.b64decode(private_key)) == 32
    settings.PIKA_VAPID_PRIVATE_KEY = private_key
    assert push.public_key() == public_key
    assert "Keep the private key secret" in err.getvalue()
