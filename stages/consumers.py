"""The dancers' live sockets: a set's page and a stage's page."""

from pika import live as groups
from pika.consumers import LiveConsumer
from stages import live
from stages.access import set_for_public, stage_for_public


class SetConsumer(LiveConsumer):
    def load(self, code):
        dj_set = set_for_public(code)
        if dj_set is None:
            return None
        self.groups = [groups.set_group(dj_set.pk)]
        self.counted_group = self.groups[0]
        return live.render_live(dj_set) + groups.extra_first_state("set", dj_set=dj_set)


class StageConsumer(LiveConsumer):
    def load(self, code):
        stage = stage_for_public(code)
        if stage is None:
            return None
        self.groups = [groups.stage_group(stage.pk), groups.event_group(stage.event_id)]
        self.counted_group = self.groups[0]
        cards = "".join(live.render_stage_card(other) for other in stage.event.stages.select_related("event"))
        return live.render_live(stage.current_set(), stage) + cards + groups.extra_first_state("stage", stage=stage)
