"""Realtime of the expo: topic ``booth:<id>`` and contact requests (``booth.contact``/``accept``).

The handlers are thin: load the booth or request, check the rule, call ``expo.services``.

Staff presence: a socket of the booth's staff that subscribes to ``booth:<id>`` marks its user
online in the presence store (``treffpunkt.realtime.presence``, shared by every process) for
``STAFF_ONLINE_TTL`` seconds; the client keeps it fresh with ``booth.staff_online {booth, online:
true}`` (every 25 s with its ping) and clears it with ``online: false`` when it leaves the booth.
The snapshot's ``staff_online`` counts the unexpired marks, so a crashed client drops out after at
most the TTL. See docs/realtime.md.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers

from congress.live_services import user_data
from treffpunkt.access import allowed
from treffpunkt.errors import NotFound
from treffpunkt.realtime import presence
from treffpunkt.realtime.registry import RealtimeError, Subscription, handler, topic_kind

from . import services
from .models import ContactRequest, Exhibitor
from .permissions import is_booth_staff
from .selectors import contact_request_data, open_contact_requests_for

STAFF_ONLINE_TTL = 60


def _staff_group(exhibitor_id):
    return f"staff:booth:{exhibitor_id}"


def set_staff_online(exhibitor_id, user_id, online=True):
    """Mark (or unmark) a staff member online; returns the number of staff online now.

    Sync: the booth topic kind calls it on the database thread.
    """
    store = presence.store()
    if online:
        return store.mark(_staff_group(exhibitor_id), user_id, ttl=STAFF_ONLINE_TTL)
    return store.unmark(_staff_group(exhibitor_id), user_id)


def staff_online(exhibitor_id):
    return presence.store().total(_staff_group(exhibitor_id))


def _load_booth(user, exhibitor_id):
    exhibitor = Exhibitor.objects.select_related("event").filter(pk=exhibitor_id).first()
    if exhibitor is None or not allowed(user, "expo.view_exhibitor", exhibitor):
        raise NotFound(_("No such exhibitor."))
    return exhibitor


def load_booth(ctx, data):
    """Loader: the booth ``data["booth"]``, if the user may see it."""
    return _load_booth(ctx.user, data["booth"])


@topic_kind("booth")
def open_booth_topic(ctx, key):
    if not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a booth topic such as booth:12."))
    exhibitor = _load_booth(ctx.user, int(key))
    staff = is_booth_staff(ctx.user, exhibitor)
    online = set_staff_online(exhibitor.pk, ctx.user.pk) if staff else staff_online(exhibitor.pk)
    snapshot = {
        "booth": {"id": exhibitor.pk, "name": exhibitor.name, "slug": exhibitor.slug},
        "staff": staff,
        "staff_online": online,
        "may_contact": allowed(ctx.user, "expo.contact_booth", exhibitor),
    }
    if staff:
        # Requests made while nobody of the team was online wait here for the next one who is.
        snapshot["requests"] = [
            contact_request_data(request) for request in open_contact_requests_for(exhibitor)
        ]
    return Subscription(snapshot=snapshot)


class StaffOnlineSchema(serializers.Serializer):
    booth = serializers.IntegerField()
    online = serializers.BooleanField(default=True)


@handler(
    "booth.staff_online", schema=StaffOnlineSchema, load=load_booth, rule="expo.answer_contact"
)
def mark_staff_online(ctx, data, exhibitor):
    count = set_staff_online(exhibitor.pk, ctx.user.pk, data["online"])
    return {"booth": exhibitor.pk, "staff_online": count}


class ContactSchema(serializers.Serializer):
    booth = serializers.IntegerField()
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True)


@handler("booth.contact", schema=ContactSchema, load=load_booth, rule="expo.contact_booth")
def contact_booth(ctx, data, exhibitor):
    """An attendee asks to talk; each staff member's ``user:<id>`` gets ``booth.contact``."""
    request = services.request_contact(
        user=ctx.user, exhibitor=exhibitor, message=data.get("message", "")
    )
    return {"request": request.pk, "staff_online": staff_online(exhibitor.pk)}


class AcceptSchema(serializers.Serializer):
    request = serializers.IntegerField()


def load_contact_request(ctx, data):
    """Loader: ``data["request"]``; it exists only for the booth's staff and the attendee."""
    request = (
        ContactRequest.objects.select_related("exhibitor__event", "user")
        .filter(pk=data["request"])
        .first()
    )
    if request is None or not (
        is_booth_staff(ctx.user, request.exhibitor) or request.user_id == ctx.user.pk
    ):
        raise NotFound(_("No such contact request."))
    return request


@handler(
    "booth.accept",
    schema=AcceptSchema,
    load=load_contact_request,
    rule="expo.accept_contact_request",
)
def accept_contact(ctx, data, request):
    """Booth staff accept: opens the 1:1 and pushes ``conversation.opened`` to the attendee."""
    conversation = services.accept_contact_request(user=ctx.user, request=request)
    return {
        "conversation": conversation.pk,
        "topic": conversation.topic,
        "with": user_data(request.user),
    }
