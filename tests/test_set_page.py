"""The dancer's set page: fully rendered first response, escaping, states, QR codes."""

import gzip

import pytest
from django.test import Client

from stages.models import DJSet


@pytest.fixture
def dj_set(dj):
    return DJSet.objects.go_live(dj, "DJ Nova")[0]


def test_the_first_response_already_shows_the_current_track(client, dj_set):
    dj_set.add_track(artist="Ella Henderson", title="Ghost")
    dj_set.add_track(artist="Bruno Mars", title="Leave the Door Open")
    response = client.get(f"/live/{dj_set.code}")
    html = response.content.decode()
    assert response.status_code == 200
    now_playing = html[html.index('id="now-playing"'):html.index('id="set-list"')]
    assert "Leave the Door Open" in now_playing and "Bruno Mars" in now_playing
    assert "DJ Nova" in now_playing and "just now" in now_playing
    set_list = html[html.index('id="set-list"'):]
    assert "Ghost" in set_list and "Leave the Door Open" not in set_list
    assert f'ws-connect="/ws/sessions/{dj_set.code}/?v=session.{dj_set.pk}%3D' in html


def test_the_page_is_small_and_loads_nothing_from_another_origin(client, dj_set):
    dj_set.add_track(artist="A" * 500, title="T" * 500)
    response = client.get(f"/live/{dj_set.code}", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 14 * 1024
    html = gzip.decompress(response.content).decode()
    assert "http://" not in html.replace("http://127.0.0.1:8000", "") and "https://" not in html
    assert "<script>" not in html  # only external, nonce'd scripts


def test_the_page_sends_a_strict_csp_with_a_nonce(client, dj_set):
    response = client.get(f"/live/{dj_set.code}")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_a_new_visitor_gets_an_anonymous_client_cookie(client, dj_set):
    response = client.get(f"/live/{dj_set.code}")
    cookie = response.cookies["pika_client"]
    assert len(cookie.value) == 32 and cookie["httponly"]
    again = client.get(f"/live/{dj_set.code}")
    assert "pika_client" not in again.cookies


def test_html_in_titles_and_names_shows_as_text(client, dj):
    dj_set = DJSet.objects.go_live(dj, "<i>Nova</i>")[0]
    dj_set.add_track(artist="<img src=x onerror=alert(1)>", title="<script>alert('x')</script>")
    html = client.get(f"/live/{dj_set.code}").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<i>Nova</i>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_waiting_for_the_first_track(client, dj_set):
    html = client.get(f"/live/{dj_set.code}").content.decode()
    assert "The first track is coming up" in html


def test_an_ended_set_says_so_and_keeps_its_tracks(client, dj_set):
    dj_set.add_track(artist="A", title="Last dance")
    assert "data-push-toggle" in client.get(f"/live/{dj_set.code}").content.decode()
    dj_set.end()
    html = client.get(f"/live/{dj_set.code}").content.decode()
    assert "This set has ended" in html
    assert "Last dance" in html[html.index('id="set-list"'):]
    # Nothing more will start here: no point asking for notifications.
    assert "data-push-toggle" not in html


def test_the_htmx_fallback_poll_gets_only_the_live_panel(client, dj_set):
    dj_set.add_track(artist="A", title="Polled")
    response = client.get(f"/live/{dj_set.code}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="live-panel">')
    assert "Polled" in html and "<html" not in html


def test_an_unknown_code_is_a_friendly_404(client, db):
    response = client.get("/live/nosuchcode")
    assert response.status_code == 404
    assert "We can't find that" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # changes are announced on commit (pika/live_state.py)
def test_the_set_page_needs_a_fixed_number_of_queries(client, dj_set, django_assert_num_queries):
    client.get(f"/live/{dj_set.code}")  # the anonymous cookie is set once
    for i in range(30):
        dj_set.add_track(artist="A", title=f"T{i}")
    # The first GET after a change: the set, its tracks, its poll (none running), its banners.
    with django_assert_num_queries(4):
        Client().get(f"/live/{dj_set.code}")
    # Every first visit until the next change: the set and its banners.
    with django_assert_num_queries(2):
        Client().get(f"/live/{dj_set.code}")
    # A dancer back again: also their likes, their vote and thank-you, the poll.
    with django_assert_num_queries(5):
        client.get(f"/live/{dj_set.code}")


@pytest.mark.parametrize("fmt, content_type, magic", [
    ("svg", "image/svg+xml", b"<svg"), ("png", "image/png", b"\x89PNG"),
])
def test_qr_codes_encode_the_absolute_short_url(client, dj_set, fmt, content_type, magic, settings):
    response = client.get(f"/live/{dj_set.code}/qr.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert magic in response.content[:200]


def test_the_qr_png_decodes_to_the_absolute_set_url(client, dj_set, settings):
    import io

    import zxingcpp
    from PIL import Image

    settings.PIKA_BASE_URL = "https://pika.example"
    image = Image.open(io.BytesIO(client.get(f"/live/{dj_set.code}/qr.png").content))
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [f"https://pika.example/live/{dj_set.code}"]


def test_a_qr_download_is_an_attachment(client, dj_set):
    response = client.get(f"/live/{dj_set.code}/qr.png?download=1")
    assert response["Content-Disposition"] == f'attachment; filename="pika-{dj_set.code}.png"'


def test_an_unknown_qr_format_is_404(client, dj_set):
    assert client.get(f"/live/{dj_set.code}/qr.gif").status_code == 404
