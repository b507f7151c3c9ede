"""The lobby (/live) and the home page's "live now": public sets only, live, coalesced."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async

from crate.models import Like
from events.models import Event
from pika import listeners
from recaps import live as lobby_live
from recaps import lobby
from recaps.models import LobbyListing
from stages.live import listener_messages
from stages.models import DJSet
from tests.personas import make_dj, make_event, played_set
from tests.recap_helpers import likes
from tests.sockets import connect


def live_section(html):
    section = html[html.index('id="lobby-live"'):html.index("</section>", html.index('id="lobby-live"'))]
    return section


@pytest.fixture
def floor(db, dj, weekend, organizer):
    """Who is live: one set per kind of visibility.

    public:  DJ Nova on Main Floor (a published event), DJ Open's listed Quick Start set
    private: DJ Draft on a draft event's room, DJ Home's unlisted Quick Start set,
             DJ Early on Blues Room (a newer set took the room over), an ended set
    """
    draft = make_event(organizer, name="Secret Swing", slug="secret-swing", status=Event.Status.DRAFT)
    people = {name: make_dj(email=f"{name.lower()}@example.com", name=f"DJ {name}")
              for name in ("Draft", "Home", "Open", "Early", "Late", "Gone")}
    sets = {
        "nova": played_set(dj, titles=("Ghost",), dj_name="DJ Nova", stage=weekend.main)[0],
        "draft": played_set(people["Draft"], titles=("Hidden",), dj_name="DJ Draft", stage=draft.stages.first())[0],
        "home": played_set(people["Home"], titles=("Kitchen",), dj_name="DJ Home")[0],
        "open": played_set(people["Open"], titles=("Sunrise",), dj_name="DJ Open")[0],
        "early": played_set(people["Early"], titles=("Before",), dj_name="DJ Early", stage=weekend.blues)[0],
        "late": played_set(people["Late"], titles=("After",), dj_name="DJ Late", stage=weekend.blues)[0],
        "gone": played_set(people["Gone"], titles=("Over",), dj_name="DJ Gone", stage=weekend.ballroom)[0],
    }
    LobbyListing.objects.list_set(sets["open"])
    sets["gone"].end()
    return sets


def test_the_lobby_lists_public_live_sets_only(anonymous, floor, weekend):
    listeners.record(f"stage.{weekend.main.pk}", 7, "proc-a")
    listeners.record(f"session.{floor['nova'].pk}", 2, "proc-b")
    html = anonymous.get("/live").content.decode()
    live = live_section(html)
    assert [entry["dj_set"].dj_name for entry in lobby.live_now()] == ["DJ Late", "DJ Open", "DJ Nova"]
    for shown in ("DJ Nova", "Main Floor · Swing Into Spring", "Ghost", "DJ Open", "Sunrise", "DJ Late", "After"):
        assert shown in live, shown
    for hidden in ("DJ Draft", "Hidden", "DJ Home", "Kitchen", "DJ Early", "Before", "DJ Gone", "Over"):
        assert hidden not in live, hidden
    assert "9 listening" in live
    # A room links to its stage page (it follows the room's DJs); a Quick Start set to its own.
    assert f'href="/s/{weekend.main.code}"' in live and f'href="/live/{floor["open"].code}"' in live


def test_the_most_liked_tracks_this_month_count_public_sets_only(anonymous, floor, dj, weekend):
    nova_ghost = floor["nova"].tracks.get()
    likes(nova_ghost, 3)
    likes(floor["open"].tracks.get(), 1)
    likes(floor["home"].tracks.get(), 9)  # a private set: never counted
    likes(floor["draft"].tracks.get(), 9)  # an unpublished event: never counted
    # The same song in another public set counts with it; last month's likes don't.
    replay = floor["late"].tracks.create(artist="Artist", title="Ghost")
    likes(replay, 1)
    old = floor["gone"].tracks.get()
    likes(old, 5, prefix="old")
    Like.objects.filter(track=old).update(created_at=lobby.month_start() - timedelta(minutes=1))
    assert lobby.most_liked_this_month() == [
        {"track__artist": "Artist", "track__title": "Ghost", "likes": 4},
        {"track__artist": "Artist", "track__title": "Sunrise", "likes": 1},
    ]
    html = anonymous.get("/live").content.decode()
    top = html[html.index("Most liked in"):]
    assert top.index("Ghost") < top.index("Sunrise") and "Kitchen" not in top and "Hidden" not in top


def test_recent_recaps_are_public_ended_sets_with_tracks(anonymous, floor, dj):
    floor["home"].end()  # private
    floor["open"].end()
    empty = DJSet.objects.go_live(make_dj(email="empty@example.com"), "DJ Empty")[0]
    LobbyListing.objects.list_set(empty)
    empty.end()
    assert [s.dj_name for s in lobby.recent_recaps()] == ["DJ Open", "DJ Gone"]
    html = anonymous.get("/live").content.decode()
    assert f'href="/recap/{floor["open"].code}"' in html and f'href="/recap/{floor["gone"].code}"' in html
    assert f'/recap/{floor["home"].code}' not in html


def test_the_lobby_costs_four_queries_however_many_are_live(anonymous, floor, django_assert_num_queries):
    with django_assert_num_queries(4):
        assert anonymous.get("/live").status_code == 200
    for n in range(5):
        dj_set = played_set(make_dj(email=f"more{n}@example.com"), titles=("More",))[0]
        LobbyListing.objects.list_set(dj_set)
    with django_assert_num_queries(4):
        html = anonymous.get("/live").content.decode()
    assert live_section(html).count('class="stage-card lobby-set"') == 8


def test_the_home_page_banner_links_to_the_room_or_the_lobby(anonymous, dj, weekend, other_dj):
    assert "Live now" not in anonymous.get("/").content.decode()
    private = played_set(other_dj, titles=("Kitchen",))[0]
    assert "Live now" not in anonymous.get("/").content.decode()
    played_set(dj, titles=("Ghost",), stage=weekend.main)
    html = anonymous.get("/").content.decode()
    assert f'<a href="/s/{weekend.main.code}"><strong>Live now:</strong> DJ Nova on Main Floor · Swing Into Spring</a>' in html
    LobbyListing.objects.list_set(private)
    html = anonymous.get("/").content.decode()
    assert '<a href="/live"><strong>Live now:</strong> 2 sets — see who\'s playing</a>' in html


def test_going_live_in_quick_start_is_private_unless_the_dj_lists_it(client, dj, other_dj, weekend):
    client.force_login(dj)
    html = client.get("/dj/").content.decode()
    assert '<input type="checkbox" id="id_listed" name="listed">' in html
    client.post("/dj/go-live", {"dj_name": "Nova", "submit_token": "a"})
    assert not LobbyListing.objects.exists()
    client.post("/dj/go-live", {"dj_name": "Nova", "listed": "on", "submit_token": "b"})
    assert [listing.dj_set.dj_name for listing in LobbyListing.objects.all()] == ["Nova"]
    # On an event's room the event decides: a listing is neither needed nor made.
    client.force_login(other_dj)
    client.post("/dj/go-live", {"dj_name": "Other", "stage": weekend.main.code, "listed": "on", "submit_token": "c"})
    assert LobbyListing.objects.count() == 1
    assert [entry["dj_set"].dj_name for entry in lobby.live_now()] == ["Other", "Nova"]


def test_a_flush_renders_once_per_window_for_every_process(db, dj, weekend):
    played_set(dj, titles=("Ghost",), stage=weekend.main)
    assert lobby_live.flush() is True
    # Another process (or this one) within the same second leaves it to the first.
    assert lobby_live.flush() is False


# The lobby's socket.

@pytest.mark.django_db(transaction=True)
async def test_the_lobby_socket_sends_its_state_then_one_coalesced_update(dj, weekend):
    communicator, state = await connect("/ws/lobby/")
    assert state.startswith("<!--state:lobby=") and "Nobody is live right now" in state

    # A set starts and five tracks follow in a burst: one update, with the last track.
    dj_set = await database_sync_to_async(lambda: DJSet.objects.go_live(dj, "DJ Nova", weekend.main)[0])()
    for n in range(5):
        await database_sync_to_async(dj_set.add_track)(artist="Artist", title=f"Track {n}")
    update = await communicator.receive_from(timeout=4)
    assert update.startswith("<!--v:lobby=")
    assert "DJ Nova" in update and "Track 4" in update and 'id="lobby-recaps"' in update
    assert await communicator.receive_nothing(timeout=1.5)

    # The set ends: it leaves the list and its recap arrives.
    await database_sync_to_async(dj_set.end)()
    update = await communicator.receive_from(timeout=4)
    assert "Nobody is live right now" in update and f'href="/recap/{dj_set.code}"' in update
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_private_sets_tracks_never_move_the_lobby(dj):
    communicator, _ = await connect("/ws/lobby/")
    dj_set = await database_sync_to_async(lambda: DJSet.objects.go_live(dj, "DJ Home")[0])()
    await database_sync_to_async(dj_set.add_track)(artist="Artist", title="Kitchen")
    assert await communicator.receive_nothing(timeout=2)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("one_process")
async def test_a_page_connecting_after_a_change_gets_it_in_its_state(dj, weekend):
    first, _ = await connect("/ws/lobby/")
    dj_set = await database_sync_to_async(lambda: DJSet.objects.go_live(dj, "DJ Nova", weekend.main)[0])()
    await database_sync_to_async(dj_set.add_track)(artist="Artist", title="Ghost")
    # Before the coalesced render went out, a new page is already current.
    _, state = await connect("/ws/lobby/")
    assert "Ghost" in state
    assert "Ghost" in await first.receive_from(timeout=4)
    await first.disconnect()


class ChannelLayerDown:
    async def group_send(self, group, message):
        raise OSError("Redis is down")


def test_a_lobby_ping_that_cannot_be_sent_loses_no_track(db, dj, weekend, monkeypatch, caplog, django_capture_on_commit_callbacks):
    monkeypatch.setattr(lobby_live, "get_channel_layer", lambda: ChannelLayerDown())
    with django_capture_on_commit_callbacks(execute=True):
        dj_set, (ghost,) = played_set(dj, titles=("Ghost",), stage=weekend.main)
    assert "lobby: change not announced (channel layer unreachable)" in caplog.text
    assert [entry["track"] for entry in lobby.live_now()] == [ghost]


def test_a_listed_quick_start_sets_count_moves_the_lobby_and_a_private_ones_does_not(db, dj, other_dj, monkeypatch):
    pinged = []
    monkeypatch.setattr(lobby_live, "lobby_changed", lambda: pinged.append(1))
    listed = played_set(dj, titles=("Sunrise",))[0]
    LobbyListing.objects.list_set(listed)
    private = played_set(other_dj, titles=("Kitchen",))[0]
    listeners.record(f"session.{listed.pk}", 4, "proc-a")
    assert listener_messages(f"session.{private.pk}") == [
        (f"session.{private.pk}", '<span id="listeners" class="listeners">0 listening</span>')]
    assert pinged == []
    assert listener_messages(f"session.{listed.pk}") == [
        (f"session.{listed.pk}", '<span id="listeners" class="listeners">4 listening</span>')]
    assert pinged == [1]


def test_the_lobby_reads_every_sets_listeners_at_once(db, dj, other_dj, weekend):
    on_stage = played_set(dj, titles=("Ghost",), stage=weekend.main)[0]
    quick = played_set(other_dj, titles=("Sunrise",), dj_name="DJ Other")[0]
    LobbyListing.objects.list_set(quick)
    listeners.record(f"stage.{weekend.main.pk}", 5, "proc-a")
    listeners.record(f"session.{on_stage.pk}", 1, "proc-b")
    listeners.record(f"session.{quick.pk}", 3, "proc-b")
    listeners.record(f"stage.{weekend.blues.pk}", 100, "proc-a")  # another room
    assert {e["dj_set"].dj_name: e["listeners"] for e in lobby.live_now()} == {"DJ Nova": 6, "DJ Other": 3}
    assert listeners.totals([[f"stage.{weekend.main.pk}", f"session.{on_stage.pk}"], [f"session.{quick.pk}"], []]) == [6, 3, 0]
    assert {e["dj_set"].dj_name: e["listeners"] for e in lobby.live_now(with_listeners=False)} == {"DJ Nova": None, "DJ Other": None}
