"""Access rules of the back office, registered with ``treffpunkt.access`` (REST and web alike)."""

from congress import hooks
from congress.permissions import can_view_event, is_organizer
from treffpunkt.access import rule


@rule("backoffice.import_programme")
def can_import_programme(user, event):
    return is_organizer(user, event)


@rule("backoffice.publish_release")
def can_publish_release(user, event):
    return is_organizer(user, event)


@rule("backoffice.view_releases")
def can_view_releases(user, event):
    return can_view_event(user, event)


@rule("backoffice.view_report")
def can_view_report(user, event):
    return is_organizer(user, event)


@rule("backoffice.manage_webhooks")
def can_manage_webhooks(user, target):
    """``target`` is ``(event, scope)``: organizers manage the event's own endpoints (scope ""),
    a booth's staff the endpoints of their booth (scope ``booth:<id>``)."""
    event, scope = target
    if user is None or not user.is_authenticated:
        return False
    if not scope:
        return is_organizer(user, event)
    return hooks.scope_label(user, event, scope) is not None
