"""Realtime of the expo: topic ``booth:<id>`` and contact requests (``booth.contact``/``accept``).

Staff presence: a socket of the booth's staff that subscribes to ``booth:<id>`` marks its user
online in the presence store (``treffpunkt.realtime.presence``, shared by every process) for
``STAFF_ONLINE_TTL`` seconds; the client keeps it fresh with ``booth.staff_online {booth, online:
true}`` (every 25 s with its ping) and clears it with ``online: false`` when it leaves the booth.
The snapshot's ``staff_online`` counts the unexpired marks, so a crashed client drops out after at
most the TTL. See docs/realtime.md.
"""

from channels.db import database_sync_to_async
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from congress.conversations import open_conversation, user_data
from congress.live_services import _check_rate
from treffpunkt.access import allowed, require
from treffpunkt.errors import NotFound
from treffpunkt.realtime import bus, presence
from treffpunkt.realtime.registry import RealtimeError, Subscription, handler, topic_kind

from .models import ContactRequest, Exhibitor
from .permissions import is_booth_staff

STAFF_ONLINE_TTL = 60
OPEN_REQUESTS = 50


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
        waiting = (
            ContactRequest.objects.filter(exhibitor=exhibitor, status=ContactRequest.Status.OPEN)
            .select_related("user")
            .order_by("-created_at", "-pk")[:OPEN_REQUESTS]
        )
        snapshot["requests"] = [contact_request_data(request) for request in reversed(waiting)]
    return Subscription(snapshot=snapshot)


class StaffOnlineSchema(serializers.Serializer):
    booth = serializers.IntegerField()
    online = serializers.BooleanField(default=True)


@handler("booth.staff_online", schema=StaffOnlineSchema)
async def mark_staff_online(ctx, data):
    @database_sync_to_async
    def run():
        exhibitor = _load_booth(ctx.user, data["booth"])
        require(ctx.user, "expo.answer_contact", exhibitor)
        count = set_staff_online(exhibitor.pk, ctx.user.pk, data["online"])
        return {"booth": exhibitor.pk, "staff_online": count}

    return await run()


class ContactSchema(serializers.Serializer):
    booth = serializers.IntegerField()
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True)


def contact_request_data(request):
    return {
        "id": request.pk,
        "booth": request.exhibitor_id,
        "user": user_data(request.user),
        "message": request.message,
        "status": request.status,
        "created_at": request.created_at.isoformat(),
    }


@handler("booth.contact", schema=ContactSchema)
async def contact_booth(ctx, data):
    """An attendee asks to talk; each staff member's ``user:<id>`` gets ``booth.contact``."""

    @database_sync_to_async
    def run():
        exhibitor = _load_booth(ctx.user, data["booth"])
        require(ctx.user, "expo.contact_booth", exhibitor)
        _check_rate(ctx.user, "contact")
        with transaction.atomic():
            request = ContactRequest.objects.create(
                exhibitor=exhibitor, user=ctx.user, message=data.get("message", "").strip()
            )
            payload = contact_request_data(request)
            staff_ids = list(exhibitor.staff.values_list("user_id", flat=True))

            def push():
                for staff_id in staff_ids:
                    bus.publish(f"user:{staff_id}", "booth.contact", payload)

            transaction.on_commit(push)
        return {"request": request.pk, "staff_online": staff_online(exhibitor.pk)}

    return await run()


class AcceptSchema(serializers.Serializer):
    request = serializers.IntegerField()


@handler("booth.accept", schema=AcceptSchema)
async def accept_contact(ctx, data):
    """Booth staff accept: opens the 1:1 and pushes ``conversation.opened`` to the attendee."""

    @database_sync_to_async
    def run():
        request = (
            ContactRequest.objects.select_related("exhibitor__event", "user")
            .filter(pk=data["request"])
            .first()
        )
        if request is None or not (
            is_booth_staff(ctx.user, request.exhibitor) or request.user_id == ctx.user.pk
        ):
            raise NotFound(_("No such contact request."))
        require(ctx.user, "expo.answer_contact", request.exhibitor)
        exhibitor = request.exhibitor
        with transaction.atomic():
            conversation, _created = open_conversation(
                user=ctx.user,
                other=request.user,
                event=exhibitor.event,
                origin=f"booth:{exhibitor.pk}",
                checked=True,
            )
            request.status = ContactRequest.Status.ACCEPTED
            request.accepted_by = ctx.user
            request.conversation = conversation
            request.save(update_fields=["status", "accepted_by", "conversation"])
            payload = {
                "conversation": conversation.pk,
                "topic": conversation.topic,
                "request": request.pk,
                "booth": {"id": exhibitor.pk, "name": exhibitor.name},
                "with": user_data(ctx.user),
            }
            transaction.on_commit(
                lambda: bus.publish(f"user:{request.user_id}", "conversation.opened", payload)
            )
        return {
            "conversation": conversation.pk,
            "topic": conversation.topic,
            "with": user_data(request.user),
        }

    return await run()
