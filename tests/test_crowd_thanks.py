"""Thank-you: one tap from a dancer, at most one per dancer per track, on the set and stage
pages beside the tempo vote; the htmx answer is the button, pressed."""

import pytest

from crowd.models import ThankYou
from tests.crowd_helpers import thank
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db


def test_one_thank_you_per_dancer_per_track(dj):
    dj_set, (ghost, dreams) = played_set(dj, titles=["Ghost", "Dreams"])
    phone = dancer_phone()
    for _ in range(3):
        assert thank(phone, dreams).status_code == 302
    assert thank(phone, ghost).status_code == 302  # an earlier track of the live set too
    assert thank(dancer_phone(), dreams).status_code == 302
    assert ThankYou.objects.count_by_track(dj_set) == {ghost.pk: 1, dreams.pk: 2}


def test_the_htmx_answer_is_the_pressed_button(dj):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    html = thank(dancer_phone(), ghost, HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith(f'<form class="thanks" method="post" action="/live/{dj_set.code}/tracks/{ghost.pk}/thanks"')
    assert f'data-thanks="{ghost.pk}" data-mine="1"' in html
    assert 'aria-pressed="true"><span aria-hidden="true">🙏</span> <span class="thanks-todo">Thank the DJ</span>' in html
    assert '<span class="visually-hidden">: DJ Nova, for Ghost</span></button>' in html


@pytest.mark.parametrize("page", ["set", "stage"])
def test_the_pages_show_whether_this_dancer_thanked_the_current_track(dj, event, page):
    stage = event.stages.get(name="Main Floor")
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"], stage=stage)
    phone = dancer_phone()
    thank(phone, ghost)
    url = dj_set.get_absolute_url() if page == "set" else stage.get_absolute_url()
    assert f'data-thanks="{ghost.pk}" data-mine="1"' in phone.get(url).content.decode()
    assert f'data-thanks="{ghost.pk}" data-mine="0"' in dancer_phone().get(url).content.decode()
