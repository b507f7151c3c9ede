"""The announcement pieces other apps' pages include: banners, the push opt-in, the PWA head."""

from django import template
from django.urls import reverse

from announcements import live
from announcements.access import why_dj_cannot_announce
from announcements.forms import AnnouncementForm
from announcements.models import Announcement

register = template.Library()


@register.inclusion_tag("announcements/page_banners.html")
def announcement_banners(event=None, dj_set=None):
    """Recent announcements as banners (stage and set pages); new ones arrive live."""
    return live.banners_context(event=event, dj_set=dj_set)


@register.inclusion_tag("announcements/page_banners.html")
def announcement_list(event):
    """Every announcement of the event (the event page keeps them listed)."""
    return live.banners_context(event=event, as_list=True)


def _follow(stage=None, dj_set=None):
    """What a page's opt-in subscribes to: its stage, or a Quick Start set while it is live."""
    if dj_set is not None:
        if not dj_set.is_live:
            return None
        if dj_set.stage_id:
            stage = dj_set.stage
    if stage is not None:
        return {
            "kind": "stage", "code": stage.code, "label": stage.name,
            "what": "when the music starts here, and for announcements",
        }
    return {
        "kind": "session", "code": dj_set.code, "label": dj_set.dj_name,
        "what": f"for announcements from {dj_set.dj_name}",
    }


@register.inclusion_tag("announcements/optin.html")
def push_optin(stage=None, dj_set=None):
    follow = _follow(stage, dj_set)
    return {"show": follow is not None, **(follow or {})}


@register.inclusion_tag("announcements/pwa_head.html")
def pwa_head(stage=None, dj_set=None):
    if stage is not None:
        return {"manifest_url": reverse("announcements:stage-manifest", args=[stage.code]), "title": stage.name}
    return {"manifest_url": reverse("announcements:set-manifest", args=[dj_set.code]), "title": dj_set.dj_name}


@register.inclusion_tag("announcements/dj_panel.html", takes_context=True)
def dj_announcements(context, dj_set):
    """The live set's banners, and for a Quick Start set the form to announce to its listeners."""
    can_announce = why_dj_cannot_announce(dj_set) is None
    result = {**live.banners_context(dj_set=dj_set), "dj_set": dj_set, "can_announce": can_announce,
              "csrf_token": context.get("csrf_token")}
    if can_announce:
        result.update({
            "form": AnnouncementForm(),
            "action": reverse("announcements:set-announce", args=[dj_set.code]),
            "reach_url": reverse("announcements:set-reach", args=[dj_set.code]),
            "reach": live.reach(dj_set=dj_set),
            "sent": list(Announcement.objects.for_set(dj_set).select_related("push")[:20]),
        })
    return result
