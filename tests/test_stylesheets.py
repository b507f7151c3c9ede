"""Stylesheets: critical.css inline in every page (tests/test_critical_css.py), pika.css for
every page (after the first paint on a dancer's), dj.css only for DJ and organizer pages;
colours and spacing from custom properties, defined once in critical.css."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from stages.models import DJSet

pytestmark = pytest.mark.django_db

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b")


def css(name):
    return Path(finders.find(f"css/{name}")).read_text()


def stylesheets(html):
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)


def test_dancer_pages_load_one_small_stylesheet(client, event, dj):
    stage = event.stages.get(name="Main Floor")
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
    # The stage, event and set pages link it without blocking (and plainly in <noscript>).
    for url in ["/", stage.get_absolute_url(), event.get_absolute_url(), dj_set.get_absolute_url(), "/likes/"]:
        html = client.get(url).content.decode()
        assert stylesheets(html) == [static("css/pika.css")], url


def test_dj_and_organizer_pages_add_their_own(client, event, dj):
    client.force_login(dj)
    assert stylesheets(client.get("/dj/").content.decode()) == [static("css/pika.css"), static("css/dj.css")]
    client.force_login(event.organizer)
    for url in ["/organize/", f"/organize/{event.slug}/qr", f"/organize/{event.slug}/announce"]:
        html = client.get(url).content.decode()
        assert stylesheets(html) == [static("css/pika.css"), static("css/dj.css")], url
    html = client.get(f"/organize/{event.slug}/timetable/").content.decode()
    assert stylesheets(html) == [static("css/pika.css"), static("css/dj.css"), static("css/timetable.css")]


def test_the_timetable_adds_its_own_for_dancers(client, event):
    html = client.get(f"/e/{event.slug}/timetable").content.decode()
    assert stylesheets(html) == [static("css/pika.css"), static("css/timetable.css")]


def test_colours_are_custom_properties_defined_once():
    critical, pika, dj, timetable = css("critical.css"), css("pika.css"), css("dj.css"), css("timetable.css")
    root = critical[critical.index(":root {"):critical.index("}", critical.index(":root {"))]
    defined = set(re.findall(r"(--[\w-]+):", root))
    assert {"--bg", "--panel", "--text", "--muted", "--accent", "--space-4", "--tap"} <= defined
    sheets = [("critical.css", critical.replace(root, "")), ("pika.css", pika), ("dj.css", dj), ("timetable.css", timetable)]
    for name, text in sheets:
        assert HEX_COLOUR.findall(text) == [], f"{name}: a colour outside the palette"
        assert set(re.findall(r"var\((--[\w-]+)\)", text)) <= defined, name
    for text in (pika, dj, timetable):
        assert re.findall(r"^\s*--[\w-]+:", text, re.M) == [], "only critical.css defines the palette"


def test_htmx_indicator_styles_come_from_the_stylesheet_not_an_inline_style(client):
    html = client.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert json.loads(unescape(config))["includeIndicatorStyles"] is False
    # Nor a settled one: htmx copies a swapped element's old `style` attribute across with
    # setAttribute, which the CSP refuses. Ours have none; one put there from outside (a
    # browser extension, DevTools) made a push a CSP violation, seen once in a journey.
    assert json.loads(unescape(config))["attributesToSettle"] == ["class", "width", "height"]
    pika = css("pika.css")
    assert ".htmx-indicator { opacity: 0; visibility: hidden; }" in pika
    assert ".htmx-request .htmx-indicator, .htmx-request.htmx-indicator { opacity: 1; visibility: visible;" in pika
