"""The installable app: the service worker from the root scope, the manifests, the opt-in button."""

import json
import re

from django.templatetags.static import static

from events.models import Event
from stages.models import DJSet



def static_file(client, path):
    """(status, body) of a static file; the response is closed (its file with it)."""
    response = client.get(path)
    try:
        return response.status_code, b"".join(response.streaming_content)
    finally:
        response.close()


def test_the_service_worker_is_served_from_the_root_as_javascript(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'self.addEventListener("push"' in body
    assert 'self.addEventListener("notificationclick"' in body
    assert f'var ICON = "{static("img/icon-192.png")}";' in body



def test_the_service_worker_precaches_the_dancers_static_files_by_their_hashed_names(client, db):
    body = client.get("/sw.js").content.decode()

    names = ["css/pika.css", "js/boot.js", "django_htmx/htmx-2.min.js", "django_htmx/ext/hx-ws-2.min.js", "js/pika.js",
             "js/likes.js", "js/crowd.js", "js/push.js", "js/announcements.js", "img/icon.svg", "img/icon-192.png"]
    listed = ", ".join(f'"{static(name)}"' for name in names)
    assert f"var PRECACHE = [{listed}];" in body
    assert static("css/pika.css").startswith("/static/css/pika.") and static("css/pika.css") != "/static/css/pika.css"
    cache = re.search(r'var CACHE = "(pika-static-[0-9a-f]{12})";', body).group(1)
    # The same files give the same cache: an unchanged deploy keeps the phones' copies.
    assert cache in client.get("/sw.js").content.decode()
    assert 'self.addEventListener("fetch"' in body

def test_a_stage_has_its_own_manifest_that_opens_the_stage(client, weekend):
    response = client.get(f"/s/{weekend.main.code}/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest == {
        "id": f"/s/{weekend.main.code}",
        "name": "Main Floor · Swing Into Spring",
        "short_name": "Main Floor",
        "start_url": f"/s/{weekend.main.code}",
        "scope": "/",
        "display": "standalone",
        "background_color": "#0d0d14",
        "theme_color": "#0d0d14",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    for icon in manifest["icons"]:
        assert static_file(client, icon["src"])[0] == 200


def test_the_icons_have_the_sizes_the_manifest_says(client, db):
    from io import BytesIO

    from PIL import Image

    for path, size in [("icon-192.png", 192), ("icon-512.png", 512), ("icon-maskable-512.png", 512),
                       ("apple-touch-icon.png", 180)]:
        image = Image.open(BytesIO(static_file(client, static(f"img/{path}"))[1]))
        assert image.size == (size, size)


def test_a_long_stage_name_is_shortened_for_the_home_screen(client, weekend):
    weekend.main.name = "The Grand Ballroom 🎶 Upstairs"
    weekend.main.save()

    manifest = json.loads(client.get(f"/s/{weekend.main.code}/manifest.webmanifest").content)

    assert manifest["short_name"] == "The Grand Ba"
    assert manifest["name"] == "The Grand Ballroom 🎶 Upstairs · Swing Into Spring"


def test_a_quick_start_set_has_a_manifest_too(client, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")

    manifest = json.loads(client.get(f"/live/{dj_set.code}/manifest.webmanifest").content)

    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "DJ Nova · Pika!", f"/live/{dj_set.code}", "standalone"
    )


def test_unknown_codes_have_no_manifest(client, db):
    assert client.get("/s/nope2345/manifest.webmanifest").status_code == 404
    assert client.get("/live/nope2345/manifest.webmanifest").status_code == 404


def test_a_draft_stages_manifest_is_only_for_its_organizer(client, weekend, organizer, dj):
    Event.objects.filter(pk=weekend.event.pk).update(status=Event.Status.DRAFT)
    url = f"/s/{weekend.main.code}/manifest.webmanifest"

    assert client.get(url).status_code == 404
    client.force_login(dj)
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    assert client.get(url).status_code == 200


def test_the_stage_page_is_installable_and_offers_notifications_without_asking(client, weekend):
    html = client.get(weekend.main.get_absolute_url()).content.decode()

    assert f'<link rel="manifest" href="/s/{weekend.main.code}/manifest.webmanifest">' in html
    assert f'<link rel="apple-touch-icon" href="{static("img/apple-touch-icon.png")}">' in html
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in html
    assert f'data-push-optin data-kind="stage" data-code="{weekend.main.code}" data-label="Main Floor"' in html
    assert "when the music starts here, and for announcements" in html
    assert f'<script type="text/plain" data-after-paint="{static("js/push.js")}"></script>' in html
    # The permission prompt only ever follows a tap on the button.
    source = static_file(client, static("js/push.js"))[1].decode()
    assert source.count("Notification.requestPermission()") == 1
    assert source.index("Notification.requestPermission()") > source.index("function turnOn()")


def test_a_live_quick_start_set_page_offers_its_own_notifications(client, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")

    html = client.get(dj_set.get_absolute_url()).content.decode()

    assert f'data-push-optin data-kind="session" data-code="{dj_set.code}" data-label="DJ Nova"' in html
    assert f'<link rel="manifest" href="/live/{dj_set.code}/manifest.webmanifest">' in html


def test_a_stage_sets_own_page_follows_the_stage(client, weekend, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova", weekend.main)

    html = client.get(dj_set.get_absolute_url()).content.decode()

    assert f'data-push-optin data-kind="stage" data-code="{weekend.main.code}"' in html


def test_an_ended_sets_page_offers_nothing_to_follow(client, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    dj_set.end()

    html = client.get(dj_set.get_absolute_url()).content.decode()

    assert "data-push-optin" not in html
    assert 'id="announcements"' in html  # its socket may still bring the banners section
