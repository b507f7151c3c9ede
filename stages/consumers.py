"""The dancers' live sockets: a set's page and a stage's page.

`find` says which groups a code means (cheap, remembered per process); `render` builds the
page's state, once per version for every socket of the page (pika/consumers.py).
"""

from pika import live as groups
from pika.consumers import LiveConsumer
from stages import live
from stages.access import set_for_public, stage_for_public


class SetConsumer(LiveConsumer):
    def find(self, code):
        dj_set = set_for_public(code)
        return None if dj_set is None else (groups.set_page_groups(dj_set.pk), groups.set_group(dj_set.pk))

    def render(self, code):
        dj_set = set_for_public(code)
        if dj_set is None:
            return None
        html = live.render_live(dj_set, with_count=False) + groups.extra_first_state("set", dj_set=dj_set)
        return groups.set_page_groups(dj_set.pk), html


class StageConsumer(LiveConsumer):
    def find(self, code):
        stage = stage_for_public(code)
        if stage is None:
            return None
        return groups.stage_page_groups(stage.pk, stage.event_id), groups.stage_group(stage.pk)

    def render(self, code):
        stage = stage_for_public(code)
        if stage is None:
            return None
        html = (live.render_live(stage.current_set(), stage, with_count=False)
                + "".join(live.render_stage_cards(stage.event)) + groups.extra_first_state("stage", stage=stage))
        return groups.stage_page_groups(stage.pk, stage.event_id), html
