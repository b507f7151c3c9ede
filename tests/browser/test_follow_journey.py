"""A DJ follows VirtualDJ from the dashboard, nothing installed: the page reads the
agent's own real-world fixtures and posts exactly what the agent would, queues while
offline, waits out a half-written line, and never doubles a play the agent also sends."""

import os
import shutil
import time
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from pika_dj.sources.virtualdj import VirtualDJSource
from stages.models import DJSet, PlayedTrack
from tests.agent.conftest import FIXTURES, AgentProcess, agent_environment
from tests.agent.conftest import vdj_entry as entry
from tests.browser.conftest import wait_until
from tests.browser.follow_helpers import NO_PICKER, OPFS_PICKER, clear, opfs_picker, write

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = int(time.time())


@pytest.fixture
def follow_server(server_process):
    # A long settle: a half-written line stays unread however slow this machine is.
    return server_process(PIKA_FOLLOW_POLL_SECONDS="0.3", PIKA_FOLLOW_SETTLE_SECONDS="60")


@pytest.fixture
def paris():
    """The browser's zone (Europe/Paris) for the agent's parser too: <time> tags are local."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def dj_set(dj, follow_server):
    """The DJ's live set, made before the browser starts (its broadcast needs no event loop)."""
    return DJSet.objects.go_live(dj, "DJ Nova")[0]


def dashboard(phone, server, init=OPFS_PICKER, context=None):
    page = context.new_page() if context else phone.open(None, "dj-dashboard")
    if context:
        page.pika_label, page.pika_log, page.pika_status = f"tab{len(phone.pages) + 1}", [], 200
        page.on("console", lambda message: phone._console(page, message))
        page.on("pageerror", lambda error: phone._record(page, "pageerror", str(error)))
        phone.pages.append(page)
    page.context.add_init_script(init) if not context else None
    if not context:
        page.goto(f"{server.url}/accounts/login/")
        page.get_by_label("Email").fill("dj@example.com")
        page.get_by_label("Password").fill("dance-all-night")
        page.get_by_role("button", name="Sign In").click()
        expect(page).to_have_url(f"{server.url}/dj/")
    else:
        page.goto(f"{server.url}/dj/")
    return page


def follow(page, folder="History"):
    clear(page, folder)
    expect(page.get_by_role("button", name="Stop following")).to_be_hidden()
    page.get_by_role("button", name="Follow my DJ software").click()
    expect(page.locator("[data-follow-status]")).to_contain_text(f"No history in {folder} yet")
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()


def tracks(dj_set):
    return list(PlayedTrack.objects.filter(dj_set=dj_set).order_by("played_at", "pk"))


def as_payload(track):
    body = {"artist": track.artist, "title": track.title, "source_id": track.source_id,
            "played_at": track.played_at.astimezone(timezone.utc)}
    for name in ("album", "key"):
        if getattr(track, name):
            body[name] = getattr(track, name)
    for name in ("bpm", "duration_ms"):
        if getattr(track, name) is not None:
            body[name] = getattr(track, name)
    return body


def test_the_page_posts_the_agents_real_world_fixtures_exactly_as_the_agent_reads_them(
        follow_server, dj_set, phone, tmp_path, paris):
    # The DJ picks VirtualDJ's own folder: History inside, database.xml (BPM, key) beside it.
    page = dashboard(phone, follow_server, init=opfs_picker("VirtualDJ"))
    follow(page, "VirtualDJ")  # a folder without any history file: the page names what it expects

    # cp1252 from an old build, then today's file: UTF-8 BOM, CRLF, &amp; and raw &,
    # tags in another order, tags missing (artist and title from the file name), a repeat.
    write(page, "database.xml", (FIXTURES / "virtualdj" / "database.xml").read_bytes(), folder="VirtualDJ")
    for name in ("2009-06-01.m3u", "2026-03-14.m3u"):
        write(page, name, (FIXTURES / "virtualdj" / "History" / name).read_bytes(), folder="VirtualDJ/History")
        time.sleep(0.05)
    wait_until(lambda: len(tracks(dj_set)) == 7, message="7 plays posted")

    # What the agent itself reads from the same files, database.xml included.
    home = tmp_path / "VirtualDJ"
    shutil.copytree(FIXTURES / "virtualdj", home)
    os.remove(home / "tracklist.txt")
    os.utime(home / "History" / "2009-06-01.m3u", (1, 1))
    expected = []
    for play in VirtualDJSource(home).read():
        body = play.payload()
        body["played_at"] = datetime.fromisoformat(body["played_at"])
        expected.append(body)
    assert [as_payload(track) for track in tracks(dj_set)] == sorted(expected, key=lambda b: b["played_at"])
    assert [t.artist for t in tracks(dj_set)][:4] == ["Beyoncé", "Destiny’s Child", "Ella Henderson",
                                                      "Shawn Mendes & Camila Cabello"]
    ghost = tracks(dj_set)[2]
    assert (round(ghost.bpm, 1), ghost.key) == (98.0, "Dm")  # from database.xml
    expect(page.locator("[data-follow-log]")).to_contain_text("Ella Henderson — Ghost (WCS Edit)")
    expect(page.locator("#set-list")).to_contain_text("Treasure")


def test_offline_plays_wait_in_indexeddb_in_order_and_a_half_written_line_waits(follow_server, dj_set, phone):
    page = dashboard(phone, follow_server)
    follow(page)
    playlist = "2026-03-14.m3u"
    write(page, playlist, entry(NOW - 3600, "Earlier", "Set", r"C:\m\earlier.mp3").encode())
    wait_until(lambda: len(tracks(dj_set)) == 1)

    page.route("**/follow", lambda route: route.abort("connectionrefused"))
    with phone.server_down():
        write(page, playlist, entry(NOW - 300, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3").encode(), append=True)
        write(page, playlist, entry(NOW - 200, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3").encode(), append=True)
        expect(page.locator("[data-follow-queue-count]")).to_have_text(
            "Offline — 2 tracks queued; they go out in order when the network returns.")
        expect(page.locator("[data-follow-queue-list] li")).to_have_count(2)
        expect(page.locator("[data-follow-status]")).to_contain_text("Offline — 2 tracks queued")

        # The queue is on disk: a reload (still offline) shows it without following again.
        page.reload()
        expect(page.locator("[data-follow-queue-list] li")).to_have_text(
            [f"{clock(NOW - 300)}  Ella Henderson — Ghost", f"{clock(NOW - 200)}  Sam Smith — Stay With Me"])
        assert len(tracks(dj_set)) == 1
        page.unroute("**/follow")
    wait_until(lambda: len(tracks(dj_set)) == 3, message="the queue sent after the reload")
    assert [t.title for t in tracks(dj_set)] == ["Set", "Ghost", "Stay With Me"]
    expect(page.locator("[data-follow-queue]")).to_be_hidden()

    # Following again from the remembered folder: one click.
    page.get_by_role("button", name="Follow again: History").click()
    expect(page.locator("[data-follow-status]")).to_contain_text("Following History")

    # VirtualDJ caught mid-write: the #EXTVDJ line done, its path line not yet.
    half = "#EXTVDJ:<lastplaytime>%d</lastplaytime><artist>Bruno Mars</artist><title>Treasure</title>\r\nC:\\m\\Bruno Ma" % (NOW - 100)
    write(page, playlist, half.encode(), append=True)
    page.wait_for_timeout(1500)  # five reads of the file
    assert len(tracks(dj_set)) == 3
    write(page, playlist, b"rs - Treasure.mp3\r\n", append=True)
    wait_until(lambda: len(tracks(dj_set)) == 4)
    assert tracks(dj_set)[-1].title == "Treasure"
    assert len({t.source_id for t in tracks(dj_set)}) == 4

    # The DJ ends the set with a play still queued, and goes live again: that play is
    # not posted to the new set.
    page.route("**/follow", lambda route: route.abort("connectionrefused"))
    with phone.server_down():
        write(page, playlist, entry(NOW - 50, "Lizzo", "Good as Hell", r"C:\m\lizzo.mp3").encode(), append=True)
        expect(page.locator("[data-follow-queue-list] li")).to_have_count(1)
        page.get_by_role("button", name="End set").click()
        page.goto(f"{follow_server.url}/dj/")  # ending a set leads to its verification page
        page.get_by_role("button", name="Go Live").click()
        expect(page.locator("[data-follow-log]")).to_have_text(
            "1 track queued for an earlier set could not be sent (that set has ended).")
        expect(page.locator("[data-follow-queue]")).to_be_hidden()
        page.unroute("**/follow")
    assert PlayedTrack.objects.filter(title="Good as Hell").count() == 0


def clock(stamp):
    # The page shows times in the browser's zone (the phone fixture's Europe/Paris).
    import zoneinfo
    return datetime.fromtimestamp(stamp, zoneinfo.ZoneInfo("Europe/Paris")).strftime("%H:%M")


def test_the_agent_and_the_page_following_together_post_each_play_once(
        follow_server, dj, dj_token, phone, tmp_path):
    history = tmp_path / "VirtualDJ" / "History"
    history.mkdir(parents=True)
    agent = AgentProcess(
        ["live", "--server", follow_server.url, "--token", dj_token, "--virtualdj", str(history),
         "--state-dir", str(tmp_path / "state"), "--poll", "0.2", "--no-qr"],
        agent_environment(tmp_path), tmp_path / "agent.log")
    try:
        agent.wait_for_output("Ctrl-C to stop.", timeout=30)
        dj_set = DJSet.objects.get(dj=dj, ended_at__isnull=True)
        page = dashboard(phone, follow_server)
        follow(page)

        plays = [(NOW - 300, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"),
                 (NOW - 200, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3"),
                 (NOW - 100, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3")]  # the same song again: two plays
        for stamp, artist, title, path in plays:
            text = entry(stamp, artist, title, path)
            with open(history / "2026-03-14.m3u", "ab") as handle:
                handle.write(text.encode())
            write(page, "2026-03-14.m3u", text.encode(), append=True)
        # Both have posted all three: the agent says so, the page lists each as sent.
        agent.wait_for_output("Ella Henderson — Ghost\n", timeout=15)
        wait_until(lambda: agent.output().count("Ghost") == 2, message=agent.output)
        expect(page.locator("[data-follow-log] li", has_text="—")).to_have_count(3)
        assert [(t.title, t.played_at.timestamp()) for t in tracks(dj_set)] == [
            ("Ghost", NOW - 300), ("Stay With Me", NOW - 200), ("Ghost", NOW - 100)]
    finally:
        agent.stop()


def test_a_now_playing_file_posts_each_new_track(follow_server, dj_set, phone):
    page = dashboard(phone, follow_server)
    follow(page)
    write(page, "NowPlaying.txt", "\ufeffElla Henderson - Ghost (WCS Edit)\r\n".encode())
    wait_until(lambda: len(tracks(dj_set)) == 1)
    time.sleep(1.1)  # the next track starts a second or more later: a new play
    write(page, "NowPlaying.txt", b"Sam Smith - Stay With Me\r\n")
    wait_until(lambda: len(tracks(dj_set)) == 2)
    assert [(t.artist, t.title) for t in tracks(dj_set)] == [
        ("Ella Henderson", "Ghost (WCS Edit)"), ("Sam Smith", "Stay With Me")]
    assert all(t.source_id.startswith("np-") for t in tracks(dj_set))


def test_a_second_tab_says_another_one_follows(follow_server, dj_set, phone):
    first = dashboard(phone, follow_server)
    follow(first)
    second = dashboard(phone, follow_server, context=first.context)
    second.get_by_role("button", name="Follow my DJ software").click()
    expect(second.locator("[data-follow-status]")).to_have_text(
        "Another tab is already following your DJ software. Close it, or stop it there, to follow here.")


def test_a_revoked_permission_keeps_the_queue_and_big_or_binary_files_are_skipped(follow_server, dj_set, phone):
    page = dashboard(phone, follow_server)
    follow(page)
    write(page, "2026-03-13.m3u", entry(NOW - 300, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3").encode())
    wait_until(lambda: len(tracks(dj_set)) == 1)

    page.route("**/follow", lambda route: route.abort("connectionrefused"))
    with phone.server_down():
        write(page, "2026-03-13.m3u", entry(NOW - 200, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3").encode(), append=True)
        expect(page.locator("[data-follow-queue-count]")).to_contain_text("Offline — 1 track queued")
        page.evaluate("window.pikaRevoked = true")
        expect(page.locator("[data-follow-status]")).to_have_text(
            "Pika! can no longer read History (permission withdrawn). 1 queued track kept. "
            "Click “Follow again” to carry on.")
        page.unroute("**/follow")
    expect(page.get_by_role("button", name="Follow again: History")).to_be_visible()
    wait_until(lambda: len(tracks(dj_set)) == 2, message="the kept track sent")
    page.get_by_role("button", name="Follow again: History").click()
    expect(page.locator("[data-follow-status]")).to_contain_text("Following History")

    # A binary file and a 51 MB file named like history: skipped with a message, the page stays responsive.
    write(page, "2026-03-14.m3u", b"ID3\x04\x00\x00\x00\x00" * 100)
    expect(page.locator("[data-follow-log]")).to_contain_text("Skipped 2026-03-14.m3u: it is not a text file.")
    page.evaluate("""async () => {
      const root = await navigator.storage.getDirectory();
      const folder = await root.getDirectoryHandle("History");
      const writable = await (await folder.getFileHandle("2026-03-15.m3u", { create: true })).createWritable();
      await writable.truncate(51 * 1024 * 1024);
      await writable.close();
    }""")
    expect(page.locator("[data-follow-log]")).to_contain_text("Skipped 2026-03-15.m3u: 51 MB is too large for a history file.")
    assert page.evaluate("1 + 1") == 2


def test_a_browser_without_the_folder_api_explains_and_offers_the_agent(follow_server, dj_set, phone):
    page = dashboard(phone, follow_server, init=NO_PICKER)
    expect(page.locator("[data-follow-unsupported]")).to_be_visible()
    expect(page.locator("[data-follow-unsupported]")).to_contain_text("Firefox and Safari don't offer it")
    expect(page.get_by_role("button", name="Follow my DJ software")).to_be_hidden()
