"""Shared steps of the crowd tests (tempo votes, thank-yous, polls)."""

from crowd.models import Poll


def start_poll(dj_set, question="Next style?", options=("Blues", "Lyrical", "Pop"), duration=None):
    return Poll.objects.start(dj_set, question, list(options), duration)


def answer(phone, poll, position, code=None, **headers):
    return phone.post(f"/live/{code or poll.dj_set.code}/polls/{poll.code}/answer", {"option": str(position)}, **headers)


def thank(phone, track, code=None, **headers):
    return phone.post(f"/live/{code or track.dj_set.code}/tracks/{track.pk}/thanks", {"thanks": "1"}, **headers)


def tempo(phone, track, choice, code=None, **headers):
    return phone.post(f"/live/{code or track.dj_set.code}/tracks/{track.pk}/tempo", {"vote": choice}, **headers)


def poll_slot(html):
    """The dancers' poll slot of a page or fragment."""
    start = html.index('<div id="crowd-poll"')
    return html[start:html.index("</div>", start) + 6]
