"""1:1 conversations at an event: open (same pair → same conversation), send, mark read.

Reused by the expo (a booth's contact requests) and matchmaking; they import this module, never
each other. Pushes go to the topic ``conversation:<id>`` (see docs/realtime.md).
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from treffpunkt.access import require
from treffpunkt.errors import AccessDenied, NotFound
from treffpunkt.realtime import bus
from treffpunkt.realtime.events import emit

from .hooks import contact_refusal
from .live_services import LiveError, _check_rate, _clean_text, display_name
from .models import Conversation, ConversationMessage
from .permissions import is_banned, is_registered

HISTORY = 50


def conversation_message_data(message):
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "user": {"id": message.sender_id, "name": display_name(message.sender)},
        "text": message.text,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
    }


def user_data(user):
    return {"id": user.pk, "name": display_name(user)}


def open_conversation(*, user, other, event, origin=None, checked=False):
    """The conversation of ``user`` and ``other`` at ``event``, created on first use.

    Returns ``(conversation, created)``. Both must be registered for the event; ``user`` must not
    be banned. ``checked=True``: the caller has checked ``user``'s right itself (booth staff
    answering a contact request need no registration). ``origin`` (e.g. "booth:12") is kept from
    the first opening.
    """
    if not checked:
        require(user, "congress.open_conversation", event)
    if other.pk == user.pk:
        raise LiveError(_("You cannot start a conversation with yourself."), field="with")
    if not is_registered(other, event) or is_banned(other, event):
        raise NotFound(_("No such participant."))
    _check_contact(event, user, other)
    user_a, user_b = sorted((user, other), key=lambda person: person.pk)
    existing = Conversation.objects.filter(event=event, user_a=user_a, user_b=user_b).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                event=event, user_a=user_a, user_b=user_b, origin=origin or ""
            )
    except IntegrityError:
        return Conversation.objects.get(event=event, user_a=user_a, user_b=user_b), False
    return conversation, True


def _check_contact(event, user, other):
    """Refuse when a contact barrier (e.g. a matchmaking block, either way) stands between them."""
    refusal = contact_refusal(event, user, other)
    if refusal:
        raise AccessDenied(refusal, code="blocked")


def load_conversation(user, conversation_id):
    """The conversation if ``user`` takes part in it; else NotFound (its existence stays hidden)."""
    conversation = (
        Conversation.objects.select_related("event", "user_a", "user_b")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or not conversation.has_participant(user):
        raise NotFound(_("No such conversation."))
    return conversation


def send_conversation_message(*, user, conversation, text, client_id):
    """Store a message once per ``client_id`` and push ``chat.message`` to the conversation.

    The other participant's ``user:<id>`` also gets ``conversation.message`` with their unread
    counts. Returns ``(message, created)``. Raises LiveError: chat.too_long, empty, banned,
    rate_limited; AccessDenied (``blocked``) when either side has blocked the other.
    """
    require(user, "congress.take_part_in_conversation", conversation)
    text = _clean_text(text, code="chat.too_long")
    existing = ConversationMessage.objects.filter(
        conversation=conversation, sender=user, client_id=client_id
    ).first()
    if existing is not None:
        return existing, False
    if is_banned(user, conversation.event):
        raise LiveError(_("You have been excluded from this event."), code="banned")
    other = conversation.other(user)
    _check_contact(conversation.event, user, other)
    _check_rate(user, "chat")
    try:
        with transaction.atomic():
            message = ConversationMessage.objects.create(
                conversation=conversation, sender=user, text=text, client_id=client_id
            )
            message.seq = emit(
                conversation.topic, "chat.message", conversation_message_data(message)
            )
            message.save(update_fields=["seq"])
            _set_read(conversation, user, message.seq)
            _notify_recipient(conversation, message, other)
    except IntegrityError:
        message = ConversationMessage.objects.get(
            conversation=conversation, sender=user, client_id=client_id
        )
        return message, False
    return message, True


def _notify_recipient(conversation, message, recipient):
    """After commit: ``conversation.message`` on the recipient's ``user:<id>``, with unread counts."""
    unread = {item.pk: item.unread for item in conversations_for(recipient, conversation.event)}
    payload = {
        "conversation": conversation.pk,
        "topic": conversation.topic,
        "event": conversation.event.slug,
        "from": user_data(message.sender),
        "text": message.text[:140],
        "unread": unread[conversation.pk],
        "unread_total": sum(unread.values()),
    }
    transaction.on_commit(
        lambda: bus.publish(f"user:{recipient.pk}", "conversation.message", payload)
    )


def _read_field(conversation, user):
    return "user_a_read_seq" if user.pk == conversation.user_a_id else "user_b_read_seq"


def _set_read(conversation, user, seq):
    """Move ``user``'s read mark up to ``seq``; True if it moved (it never moves backwards)."""
    field = _read_field(conversation, user)
    # Never move backwards (an older read receipt may arrive late).
    moved = Conversation.objects.filter(pk=conversation.pk, **{f"{field}__lt": seq}).update(
        **{field: seq}
    )
    if getattr(conversation, field) < seq:
        setattr(conversation, field, seq)
    return bool(moved)


def mark_read(*, user, conversation, seq):
    """Record that ``user`` has read everything up to ``seq`` (at most the newest message) and push a
    ``chat.read`` receipt to the conversation when the mark moved; returns the unread count."""
    require(user, "congress.take_part_in_conversation", conversation)
    last = conversation.messages.order_by("-seq").values_list("seq", flat=True).first() or 0
    seq = min(seq, last)
    if _set_read(conversation, user, seq):
        # A read receipt for the other participant (not stored: the snapshot carries the mark).
        receipt = {"user": user.pk, "seq": seq}
        transaction.on_commit(lambda: bus.publish(conversation.topic, "chat.read", receipt))
    return unread_count(user, conversation)


def unread_count(user, conversation):
    return (
        conversation.messages.exclude(sender=user)
        .filter(seq__gt=getattr(conversation, _read_field(conversation, user)))
        .count()
    )


def conversations_for(user, event):
    """The user's conversations at the event with ``unread`` and ``last_seq``, in one query."""
    mine = Q(user_a=user) | Q(user_b=user)
    unread = Count(
        "messages",
        filter=~Q(messages__sender=user)
        & (
            Q(user_a=user, messages__seq__gt=F("user_a_read_seq"))
            | Q(user_b=user, messages__seq__gt=F("user_b_read_seq"))
        ),
    )
    return (
        Conversation.objects.filter(mine, event=event)
        .select_related("user_a", "user_b")
        .annotate(unread=unread)
        .order_by("-created_at", "-pk")
    )


def unread_total(user, event):
    """The other participants' unread messages in all of ``user``'s conversations at ``event``."""
    return sum(conversation.unread for conversation in conversations_for(user, event))


def conversation_data(conversation, user, *, unread=None):
    return {
        "id": conversation.pk,
        "topic": conversation.topic,
        "with": user_data(conversation.other(user)),
        "origin": conversation.origin,
        "unread": unread if unread is not None else unread_count(user, conversation),
        "created_at": conversation.created_at.isoformat(),
    }


def snapshot(user, conversation):
    messages = list(conversation.messages.select_related("sender").order_by("-seq")[:HISTORY])
    return {
        "conversation": {
            "id": conversation.pk,
            "event": conversation.event.slug,
            "origin": conversation.origin,
        },
        "with": user_data(conversation.other(user)),
        "chat": [
            {**conversation_message_data(message), "seq": message.seq}
            for message in reversed(messages)
        ],
        "unread": unread_count(user, conversation),
        "read_seq": getattr(conversation, _read_field(conversation, user)),
        "other_read_seq": getattr(
            conversation, _read_field(conversation, conversation.other(user))
        ),
    }
