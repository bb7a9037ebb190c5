"""``{% stage_player %}``: the stage part of the session page (stream player or video room)."""

from django import template
from django.utils import timezone

from stage.selectors import stage_for
from stage.video import configured_provider
from treffpunkt.access import allowed as access_allowed

register = template.Library()


@register.inclusion_tag("web/_stage.html", takes_context=True)
def stage_player(context, session, event):
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "event": event,
        "session": session,
        "is_before_start": session.state == "scheduled" and session.start > timezone.now(),
        # The session page may have the next session in the room already (web/page_cache.py).
        **stage_for(session, request.user, **context.get("stage_known", {})),
    }


@register.simple_tag
def allowed(user, permission, obj):
    """``{% allowed user "congress.ban" event as may_ban %}``: the access rule, for a template."""
    return access_allowed(user, permission, obj)


@register.simple_tag
def video_rooms_configured():
    return configured_provider() is not None


@register.inclusion_tag("web/_video_join.html")
def video_join(action, *, csrf_token, occupancy_url=""):
    """A join button (POST, opens the video room in a new tab), with how many are in the room
    (read from ``occupancy_url``, the REST route, by web/static/web/video_room.js)."""
    return {"action": action, "csrf_token": csrf_token, "occupancy_url": occupancy_url}
