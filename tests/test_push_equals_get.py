"""One partial per UI piece: what a socket is pushed is, byte for byte, what a fresh GET of
the page renders for the same piece (so the page, the HTMX poll and the push never drift).

The only differences allowed are the viewer's own: a page rendered for a request carries
the CSRF form field, whether this phone liked each track (`data-liked`) and that its crowd
pieces were rendered for this phone's own votes (`data-mine`); a push is rendered for
nobody (htmx sends the token as a header, and the page's scripts mark the phone's own likes
and votes)."""

import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from pika.asgi import application
from stages.models import DJSet

pytestmark = pytest.mark.django_db(transaction=True)
HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
VIEWERS_OWN = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">| data-liked="[01]"| data-mine="[^"]*"')


def piece(html, element_id):
    """The element with this id, from its opening tag to its closing </section>."""
    start = html.index(f'<section id="{element_id}"')
    return VIEWERS_OWN.sub("", html[start:html.index("</section>", start) + len("</section>")])


def fresh_get(path):
    """A dancer's phone polling the page (HTMX), who has liked nothing."""
    return Client().get(path, HTTP_HX_REQUEST="true").content.decode()


async def pushed_after(path, change):
    communicator = WebsocketCommunicator(application, path, headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_from()  # the state on connect
    await database_sync_to_async(change)()
    message = await communicator.receive_from()
    await communicator.disconnect()
    return message


@pytest.mark.parametrize("page", ["set", "stage"])
async def test_a_new_tracks_pushed_card_is_the_card_a_fresh_get_renders(dj, event, page):
    stage = await database_sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    dj_set = await database_sync_to_async(lambda: DJSet.objects.go_live(dj, "DJ Nova", stage)[0])()
    await database_sync_to_async(dj_set.add_track)(artist="Ella Henderson", title="Ghost")
    socket, path = {"set": (f"/ws/sessions/{dj_set.code}/", f"/live/{dj_set.code}"),
                    "stage": (f"/ws/stages/{stage.code}/", f"/s/{stage.code}")}[page]

    pushed = await pushed_after(socket, lambda: dj_set.add_track(artist="Bruno Mars", title="Leave the Door Open"))

    got = await database_sync_to_async(fresh_get)(path)
    assert "Leave the Door Open" in piece(pushed, "now-playing")
    assert piece(pushed, "now-playing") == piece(got, "now-playing")


async def test_an_ended_sets_pushed_state_is_what_a_fresh_get_renders(dj):
    dj_set = await database_sync_to_async(lambda: DJSet.objects.go_live(dj, "DJ Nova")[0])()
    for title in ("Ghost", "Dreams"):
        await database_sync_to_async(dj_set.add_track)(artist="Artist", title=title)

    pushed = await pushed_after(f"/ws/sessions/{dj_set.code}/", dj_set.end)

    got = await database_sync_to_async(fresh_get)(f"/live/{dj_set.code}")
    assert "This set has ended" in piece(pushed, "now-playing")
    for element_id in ("now-playing", "set-list"):
        assert piece(pushed, element_id) == piece(got, element_id)
