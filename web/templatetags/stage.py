"""``{% stage_player %}``: the stage part of the session page (stream player or video room)."""

from django import template
from django.utils import timezone

from stage.selectors import stage_for

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
        **stage_for(session, request.user),
    }
