"""The README's shell snippets, pasted into a shell against a running server, do what it says."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def readme_blocks(heading):
    """The indented code blocks of one README section, in order."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return ["\n".join(line[4:] for line in block.splitlines())
            for block in re.findall(r"(?:^    .*\n)+", section, re.MULTILINE)]


def json_documents(text):
    """The JSON answers curl printed one after another (curl adds no newline)."""
    decoder, documents, at = json.JSONDecoder(), [], 0
    while at < len(text := text.strip()):
        document, at = decoder.raw_decode(text, at)
        documents.append(document)
        while at < len(text) and text[at].isspace():
            at += 1
    return documents


def test_the_curl_flow_goes_live_posts_a_track_and_ends_the_set(server_process):
    from stages.models import DJSet

    server = server_process()
    go_live, end = readme_blocks("Go live as a DJ with two curl commands")
    assert go_live.startswith("PIKA=http://127.0.0.1:8000\n")
    script = "set -euo pipefail\n" + go_live.replace("PIKA=http://127.0.0.1:8000", f"PIKA={server.url}", 1)
    script += "\necho\necho ENDING\n" + end
    if not (ROOT / ".venv/bin/python").exists():  # a test run from another environment
        script = script.replace(".venv/bin/python", sys.executable)
    # `manage.py dj_token` in the snippet writes to the database the server reads.
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=server.environment(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    set_json, track_json, ended_json = result.stdout.replace("\nENDING\n", "\n").split("\n")[:3]
    live = json.loads(set_json)
    assert live["dj_name"] == "DJ You" and live["url"] == f"{server.url}/live/{live['code']}"
    assert json.loads(track_json)["title"] == "Ghost"
    assert json.loads(ended_json)["ended_at"] is not None
    dj_set = DJSet.objects.get(code=live["code"])
    assert dj_set.dj.email == "you@example.com"
    assert [(t.artist, t.title) for t in dj_set.tracks.all()] == [("Ella Henderson", "Ghost")]


def test_the_poll_curl_examples_start_list_and_end_polls(server_process):
    from crowd.models import Poll

    server = server_process()
    go_live, _ = readme_blocks("Go live as a DJ with two curl commands")
    (polls,) = readme_blocks("The floor talks back: tempo votes, polls and thank-yous")
    script = "set -euo pipefail\n" + go_live.replace("PIKA=http://127.0.0.1:8000", f"PIKA={server.url}", 1)
    script += "\necho\necho POLLS\n" + polls.replace(" \\\n", " ")
    if not (ROOT / ".venv/bin/python").exists():
        script = script.replace(".venv/bin/python", sys.executable)
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=server.environment(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    started, preset, listed, ended = json_documents(result.stdout.split("\nPOLLS\n", 1)[1])
    assert (started["question"], [o["label"] for o in started["options"]], started["state"]) == (
        "Next style?", ["Blues", "Lyrical", "Pop"], "open")
    assert preset["question"] == "Leads or follows?" and preset["state"] == "open"
    assert [poll["code"] for poll in listed["polls"]] == [preset["code"], started["code"]]
    assert listed["polls"][1]["state"] == "ended"  # the preset poll ended the first one
    assert ended["code"] == preset["code"] and ended["state"] == "ended"
    assert Poll.objects.filter(ended_at__isnull=True).count() == 0
