from django import template

register = template.Library()


@register.inclusion_tag("web/_announce.html", takes_context=True)
def announce_panel(context, event):
    """The control room's announcement form and the latest announcements with mail progress."""
    from congress.announcements import announcements_of

    from ..views.announcements import AnnounceForm

    return {
        "event": event,
        "csrf_token": context.get("csrf_token"),
        "announce_form": AnnounceForm(),
        "announcements": list(announcements_of(event)[:10]),
    }
