"""The token API's verification contract: list a set's tracks with suggestions; confirm,
pick, paste a Spotify link or skip one; only the set's own DJ."""

import pytest

from accounts.models import ApiToken
from crate import verification
from crate.models import Confirmation, Track, TrackLink
from stages.models import DJSet
from tests.personas import make_dj

GHOST_ID = "6habFhsOp2NvshLv26DqMb"


@pytest.fixture
def dj_set(dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    return dj_set


def post(api, dj_set, **body):
    return api.post(f"/sessions/{dj_set.pk}/tracks", body).json()


def test_the_list_shows_every_track_in_played_order_with_progress(api, dj_set, dj_token, django_assert_num_queries):
    first = post(api, dj_set, artist="Ella Henderson", title="Ghost")
    second = post(api, dj_set, artist="Silk Sonic", title="Leave the Door Open")
    api.post(f"/tracks/{first['id']}/verification", {"confirm": True})
    with django_assert_num_queries(7):
        response = api.get(f"/sessions/{dj_set.pk}/verification", token=dj_token)
    ghost = Track.objects.get()
    assert response.status_code == 200
    assert response.json() == {"matched": 1, "total": 2, "tracks": [
        {"id": first["id"], "artist": "Ella Henderson", "title": "Ghost",
         "identity": {"id": ghost.pk, "artist": "Ella Henderson", "title": "Ghost", "isrc": None,
                      "spotify_uri": None, "auto": False},
         "suggestions": [{"identity": {"id": ghost.pk, "artist": "Ella Henderson", "title": "Ghost", "isrc": None,
                                       "spotify_uri": None}, "source": "crowd", "confirmations": 1}]},
        {"id": second["id"], "artist": "Silk Sonic", "title": "Leave the Door Open", "identity": None, "suggestions": []},
    ]}


def test_the_list_costs_the_same_queries_for_many_tracks(api, dj_set, dj_token, django_assert_num_queries):
    for n in range(30):
        track = post(api, dj_set, artist=f"Artist {n}", title=f"Song {n}", file_hash=f"h{n}")
        api.post(f"/tracks/{track['id']}/verification", {"confirm": True})
    with django_assert_num_queries(7):
        body = api.get(f"/sessions/{dj_set.pk}/verification", token=dj_token).json()
    assert (body["matched"], body["total"]) == (30, 30)


def test_an_auto_matched_track_says_so_in_the_list(api, dj_set, dj_token):
    ghost = Track.objects.create(artist="Ella Henderson", title="Ghost")
    for n in range(3):
        other = make_dj(f"dj{n}@example.com")
        other_set, _ = DJSet.objects.go_live(other, "x")
        track, _ = other_set.add_track(artist="A", title="B", file_hash="h1")
        verification.confirm(other, track, ghost)
    posted = post(api, dj_set, artist="Whatever", title="Else", file_hash="h1")
    assert posted["identity"]["auto"] is True
    entry = api.get(f"/sessions/{dj_set.pk}/verification", token=dj_token).json()["tracks"][0]
    assert entry["identity"] == {**ghost.as_json(), "auto": True}
    assert entry["suggestions"][0] == {"identity": ghost.as_json(), "source": "crowd", "confirmations": 3}


@pytest.mark.parametrize("link", [
    f"https://open.spotify.com/track/{GHOST_ID}",
    f"https://open.spotify.com/track/{GHOST_ID}?si=abc123&context=x",
    f"https://open.spotify.com/intl-de/track/{GHOST_ID}",
    f"https://open.spotify.com/intl-pt-br/track/{GHOST_ID}?si=1",
    f"open.spotify.com/track/{GHOST_ID}",
    f"http://open.spotify.com/embed/track/{GHOST_ID}",
    f"spotify:track:{GHOST_ID}",
    f"  spotify:track:{GHOST_ID}  ",
    f"https://open.spotify.com/track/{GHOST_ID}/",
    f"https://open.spotify.com/track/{GHOST_ID}#lyrics",
    f"HTTPS://OPEN.SPOTIFY.COM/track/{GHOST_ID}",
    f"https://open.spotify.com/intl-es-419/track/{GHOST_ID}?si=1",
    f"https://open.spotify.com/intl-fr/embed/track/{GHOST_ID}?utm_source=generator",
    f"https://open.spotify.com/embed/track/{GHOST_ID}?utm_source=generator&theme=0",
    f"https://play.spotify.com/track/{GHOST_ID}",
    f"https://open.spotify.com/album/4yP0hdKOZPNshxUOjY0cZj?highlight=spotify:track:{GHOST_ID}",
    f"Ghost by Ella Henderson https://open.spotify.com/track/{GHOST_ID}?si=abc",
])
def test_every_spotify_link_form_is_accepted(api, dj_set, link):
    track = post(api, dj_set, artist="Ella Henderson", title="Ghost")
    response = api.post(f"/tracks/{track['id']}/verification", {"spotify": link})
    assert response.status_code == 200
    assert response.json()["identity"]["spotify_uri"] == f"spotify:track:{GHOST_ID}"


@pytest.mark.parametrize("link", [
    "https://open.spotify.com/album/" + GHOST_ID,
    "https://example.com/track/" + GHOST_ID,
    "https://open.spotify.com.evil.example/track/" + GHOST_ID,
    "spotify:track:short",
    "spotify:album:" + GHOST_ID,
    f"https://open.spotify.com/track/{GHOST_ID} https://open.spotify.com/track/{'x' * 22}",
    "ghost",
])
def test_a_malformed_spotify_link_is_400_with_its_field(api, dj_set, link):
    track = post(api, dj_set, artist="Ella Henderson", title="Ghost")
    response = api.post(f"/tracks/{track['id']}/verification", {"spotify": link})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_field", "field": "spotify",
        "message": "Paste a Spotify track link (open.spotify.com/track/…) or URI (spotify:track:…)."}
    assert not Track.objects.exists() and not Confirmation.objects.exists()


@pytest.mark.parametrize("link", ["https://spotify.link/AbCdEfGh", "spoti.fi/3xYz", "Ghost https://spotify.link/AbC"])
def test_a_short_share_link_says_what_to_paste_instead(api, dj_set, link):
    track = post(api, dj_set, artist="Ella Henderson", title="Ghost")
    response = api.post(f"/tracks/{track['id']}/verification", {"spotify": link})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "spotify"
    assert response.json()["error"]["message"].startswith("A short spotify.link address does not say which track it is")


def test_picking_a_suggested_identity_confirms_it(api, dj_set):
    ghost = Track.objects.create(artist="Ella Henderson", title="Ghost")
    track = post(api, dj_set, artist="Ella H.", title="Ghost (WCS Edit)")
    response = api.post(f"/tracks/{track['id']}/verification", {"identity": ghost.pk})
    assert response.json()["identity"] == {**ghost.as_json(), "auto": False}
    assert Confirmation.objects.get().identity == ghost


def test_an_unknown_identity_is_404(api, dj_set):
    track = post(api, dj_set, artist="A", title="T")
    response = api.post(f"/tracks/{track['id']}/verification", {"identity": 999})
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "identity"


def test_skip_leaves_it_unmatched(api, dj_set):
    track = post(api, dj_set, artist="A", title="T")
    response = api.post(f"/tracks/{track['id']}/verification", {"skip": True})
    assert response.status_code == 200
    assert response.json() == {"id": track["id"], "artist": "A", "title": "T", "identity": None, "suggestions": []}
    assert TrackLink.objects.get(played_id=track["id"]).skipped is True


@pytest.mark.parametrize("body", [{}, {"confirm": True, "skip": True}, {"identity": 1, "spotify": "x"}, {"confirm": False}])
def test_not_exactly_one_answer_is_400(api, dj_set, body):
    track = post(api, dj_set, artist="A", title="T")
    response = api.post(f"/tracks/{track['id']}/verification", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"


def test_another_djs_track_and_set_are_404(api, dj_set):
    other = make_dj("other@example.com")
    other_set, _ = DJSet.objects.go_live(other, "Other")
    track, _ = other_set.add_track(artist="A", title="T")
    _, other_token = ApiToken.issue(other, "x")
    response = api.post(f"/tracks/{track.pk}/verification", {"confirm": True})
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such track."}}
    assert api.get(f"/sessions/{other_set.pk}/verification", token=api.token).status_code == 404
    assert api.get(f"/sessions/{other_set.pk}/verification", token=other_token).status_code == 200
    assert not Confirmation.objects.exists()


def test_without_a_token_it_is_401(api, dj_set):
    assert api.get(f"/sessions/{dj_set.pk}/verification").status_code == 401
    assert api.post("/tracks/1/verification", {"skip": True}, token=False).status_code == 401


def test_the_endpoints_are_in_the_published_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/sessions/{session_id}/verification"]
    assert "post" in paths["/api/v1/tracks/{track_id}/verification"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schema["VerificationIn"]["properties"]) == {"identity", "spotify", "confirm", "skip"}
    assert "isrc" in schema["TrackIn"]["properties"]
