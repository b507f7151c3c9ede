"""The announcement pieces other apps' pages include: banners, the push opt-in, the PWA head."""

from django import template
from django.urls import reverse

from announcements import live
from announcements.forms import AnnouncementForm
from announcements.models import Announcement

register = template.Library()


@register.inclusion_tag("announcements/page_banners.html")
def announcement_banners(event=None, session=None):
    """Recent announcements as banners (stage and session pages); new ones arrive live."""
    return live.banners_context(event=event, session=session)


@register.inclusion_tag("announcements/page_banners.html")
def announcement_list(event):
    """Every announcement of the event (the event page keeps them listed)."""
    return live.banners_context(event=event, as_list=True)


def _follow(stage=None, session=None):
    """What a page's opt-in subscribes to: its stage, or a Quick Start set while it is live."""
    if session is not None:
        if not session.is_live:
            return None
        if session.stage_id:
            stage = session.stage
    if stage is not None:
        return {
            "kind": "stage", "code": stage.code, "label": stage.name,
            "what": "when the music starts here, and for announcements",
        }
    return {
        "kind": "session", "code": session.code, "label": session.dj_name,
        "what": f"for announcements from {session.dj_name}",
    }


@register.inclusion_tag("announcements/optin.html")
def push_optin(stage=None, session=None):
    follow = _follow(stage, session)
    return {"show": follow is not None, **(follow or {})}


@register.inclusion_tag("announcements/pwa_head.html")
def pwa_head(stage=None, session=None):
    if stage is not None:
        return {"manifest_url": reverse("announcements:stage-manifest", args=[stage.code]), "title": stage.name}
    return {"manifest_url": reverse("announcements:session-manifest", args=[session.code]), "title": session.dj_name}


@register.inclusion_tag("announcements/dj_panel.html", takes_context=True)
def dj_announcements(context, session):
    """The live set's banners, and for a Quick Start set the form to announce to its listeners."""
    can_announce = session.is_live and session.stage_id is None
    result = {**live.banners_context(session=session), "session": session, "can_announce": can_announce,
              "csrf_token": context.get("csrf_token")}
    if can_announce:
        result.update({
            "form": AnnouncementForm(),
            "action": reverse("announcements:session-announce", args=[session.code]),
            "reach_url": reverse("announcements:session-reach", args=[session.code]),
            "reach": live.reach(session=session),
            "sent": list(Announcement.objects.for_session(session).select_related("push")[:20]),
        })
    return result
