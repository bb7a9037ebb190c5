from django import template

from treffpunkt.access import allowed

register = template.Library()


@register.inclusion_tag("backoffice/_links.html", takes_context=True)
def backoffice_links(context, *, for_organizers=False):
    """Links to "what changed" (after a release) and, with ``for_organizers`` (it costs the role
    query, which the programme page does not make), the report and webhooks for organizers."""
    event = context.get("event")
    user = context.get("user")
    organizer = bool(
        for_organizers and event and user and allowed(user, "backoffice.view_report", event)
    )
    return {
        "event": event,
        "show_changes": bool(event and user and user.is_authenticated and event.release_version),
        "organizer": organizer,
    }
