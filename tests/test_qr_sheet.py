"""The printable QR sheet: one page per stage, the stage's short URL in a large QR code."""

import io
from pathlib import Path

import pytest
from django.templatetags.static import static

from tests.personas import make_event

# The organizer is signed in on `client`; the event has three rooms.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("organizer_client"),
              pytest.mark.event(stages=("Main Floor", "Blues Room", "Lounge"), status="draft")]


def test_one_page_per_stage_with_what_a_dancer_needs(client, event):
    html = client.get(f"/organize/{event.slug}/qr").content.decode()
    assert html.count('<section class="qr-page"') == 3
    for stage in event.stages.all():
        page = html[html.index(f'aria-label="QR code for {stage.name}"'):]
        page = page[:page.index("</section>")]
        assert '<p class="qr-event">Swing Fling</p>' in page
        assert f'<h2 class="qr-stage">{stage.name}</h2>' in page
        assert f'src="/s/{stage.code}/qr.svg"' in page
        assert f'<p class="qr-url">127.0.0.1:8000/s/{stage.code}</p>' in page
        assert "see what the DJ is playing in this room, live, all weekend" in page
        assert f'href="/s/{stage.code}/qr.png?download=1"' in page
        assert f'href="/s/{stage.code}/qr.svg?download=1"' in page


def test_the_print_button_uses_a_script_file_not_inline_code(client, event):
    html = client.get(f"/organize/{event.slug}/qr").content.decode()
    assert 'data-print' in html and f'<script src="{static("js/organize.js")}" defer></script>' in html
    assert "onclick" not in html and 'style="' not in html


def test_the_stylesheet_prints_one_stage_per_page_without_the_chrome(client):
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/dj.css")).read_text()
    print_css = css[css.index("@media print"):]
    assert ".topbar, .no-print, .messages { display: none !important; }" in print_css
    assert "break-after: page" in print_css and ".qr-big { width: 13cm; height: 13cm; }" in print_css


def test_an_event_without_stages_says_to_add_one(client, organizer):
    empty = make_event(organizer, slug="empty", stages=())
    html = client.get(f"/organize/{empty.slug}/qr").content.decode()
    assert "No stages yet." in html and "qr-page" not in html


def test_the_png_decodes_to_the_stage_page_url(client, event, settings):
    import zxingcpp
    from PIL import Image

    settings.PIKA_BASE_URL = "https://pika.example"
    stage = event.stages.first()
    image = Image.open(io.BytesIO(client.get(f"/s/{stage.code}/qr.png").content))
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [f"https://pika.example/s/{stage.code}"]


@pytest.mark.parametrize("fmt, content_type", [("svg", "image/svg+xml"), ("png", "image/png")])
def test_downloads_are_attachments_named_after_the_stage(client, event, fmt, content_type):
    stage = event.stages.first()
    response = client.get(f"/s/{stage.code}/qr.{fmt}?download=1")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="pika-{stage.code}.{fmt}"'


def test_the_sheet_uses_the_short_url_of_the_configured_base(client, event, settings):
    settings.PIKA_BASE_URL = "https://pika.example"
    stage = event.stages.first()
    assert f'<p class="qr-url">pika.example/s/{stage.code}</p>' in client.get(f"/organize/{event.slug}/qr").content.decode()
