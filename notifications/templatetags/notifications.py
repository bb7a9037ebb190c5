from django import template

from ..services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The signed-in person's unread notifications (0 for anyone else). The bell on every page
    reads its count over REST instead, so pages pay no query for it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user.pk)
