from django import template

from ..services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The signed-in person's unread notifications, for the bell (0 for anyone else)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user.pk)


@register.simple_tag(takes_context=True)
def announcement_audiences(context, event):
    """The audiences the person belongs to at ``event``, space-separated (for live banners)."""
    from congress.models import Announcement, Registration
    from congress.permissions import is_organizer, role_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if event is None or user is None or not user.is_authenticated:
        return ""
    if is_organizer(user, event):
        return " ".join(Announcement.Audience.values)
    role = role_for(user, event)
    by_role = {
        Registration.Role.ATTENDEE: "attendees",
        Registration.Role.SPEAKER: "speakers",
        Registration.Role.EXHIBITOR: "exhibitors",
    }
    if role is None:
        return ""
    return " ".join(["everyone", by_role.get(role, "")]).strip()
