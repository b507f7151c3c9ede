"""HTMX under an expired login: the whole page goes to sign-in (HX-Redirect), and comes back
to the page afterwards; the sign-in page is never swapped into a fragment."""

from django.contrib.sessions.models import Session

from stages.models import DJSet

HTMX_FROM_DASHBOARD = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/dj/"}


def expired(client):
    """The browser still sends its session cookie; the server no longer knows the session."""
    Session.objects.all().delete()
    return client


def test_a_track_typed_after_the_login_expired_sends_the_page_to_sign_in(client, dj):
    client.force_login(dj)
    dj_set = DJSet.objects.go_live(dj, "DJ Nova")[0]
    response = expired(client).post(
        f"/dj/sets/{dj_set.code}/tracks", {"title": "Ghost", "artist": "Ella"}, **HTMX_FROM_DASHBOARD
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/dj/"
    assert response.content == b""
    assert dj_set.tracks.count() == 0


def test_without_htmx_the_post_still_redirects_to_sign_in_as_before(client, dj):
    client.force_login(dj)
    dj_set = DJSet.objects.go_live(dj, "DJ Nova")[0]
    response = expired(client).post(f"/dj/sets/{dj_set.code}/tracks", {"title": "Ghost", "artist": "Ella"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/dj/sets/{dj_set.code}/tracks"
    assert "HX-Redirect" not in response


def test_an_organizers_htmx_request_comes_back_to_the_page_with_its_query(client, organizer, event):
    client.force_login(organizer)
    response = expired(client).get(
        "/organize/stage-row?stages-TOTAL_FORMS=2",
        HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver/organize/{event.slug}/?tab=stages",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/accounts/login/?next=/organize/{event.slug}/%3Ftab%3Dstages"


def test_a_page_of_another_site_is_not_where_sign_in_returns(client, db):
    response = client.post("/dj/tokens", {"name": "Laptop"}, HTTP_HX_REQUEST="true",
                           HTTP_HX_CURRENT_URL="https://evil.example/phish")
    assert response["HX-Redirect"] == "/accounts/login/?next=/dj/tokens"


def test_an_htmx_request_of_a_signed_in_dj_is_answered_as_usual(client, dj):
    client.force_login(dj)
    response = client.post("/dj/tokens", {"name": "Laptop"}, **HTMX_FROM_DASHBOARD)
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert 'id="tokens"' in response.content.decode()


def test_an_anonymous_dancers_htmx_like_is_not_sent_to_sign_in(dj):
    from tests.likes_helpers import like
    from tests.personas import dancer_phone, played_set

    _, (ghost, _) = played_set(dj)
    response = like(dancer_phone(), ghost, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert 'aria-pressed="true"' in response.content.decode()
