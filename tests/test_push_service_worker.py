"""The installable app: the service worker from the root scope, the manifests, the opt-in button."""

import json

from events.models import Event
from stages.models import DJSet


def test_the_service_worker_is_served_from_the_root_as_javascript(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'self.addEventListener("push"' in body
    assert 'self.addEventListener("notificationclick"' in body
    assert 'var ICON = "/static/img/icon-192.png";' in body


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
            {"src": "/static/img/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/img/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/img/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": "/static/img/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_icons_have_the_sizes_the_manifest_says(client, db):
    from io import BytesIO

    from PIL import Image

    for path, size in [("icon-192.png", 192), ("icon-512.png", 512), ("icon-maskable-512.png", 512),
                       ("apple-touch-icon.png", 180)]:
        response = client.get(f"/static/img/{path}")
        image = Image.open(BytesIO(b"".join(response.streaming_content)))
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
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in html
    assert f'data-push-optin data-kind="stage" data-code="{weekend.main.code}" data-label="Main Floor"' in html
    assert "when the music starts here, and for announcements" in html
    assert '<script src="/static/js/push.js" defer></script>' in html
    # The permission prompt only ever follows a tap on the button.
    script = client.get("/static/js/push.js")
    source = b"".join(script.streaming_content).decode()
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
