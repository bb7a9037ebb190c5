"""Every change to 1:1 conversations: open (same pair → same conversation), send, mark read.

Used by the expo (a booth's contact requests) and matchmaking; they import this app, never each
other. Pushes go to the topic ``conversation:<id>`` (see docs/realtime.md).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from congress.hooks import contact_refusal
from congress.live_services import _check_rate, _clean_text, user_data
from congress.permissions import is_banned, is_registered
from treffpunkt.access import require
from treffpunkt.errors import AccessDenied, NotFound
from treffpunkt.notify import notify
from treffpunkt.realtime import bus
from treffpunkt.realtime.events import emit

from .errors import ConversationError
from .models import Conversation, ConversationMessage
from .permissions import Opening
from .selectors import conversation_message_data, conversations_for, read_field, unread_count


def open_conversation(*, user, other, event, origin=""):
    """The conversation of ``user`` and ``other`` at ``event``, created on first use.

    Returns ``(conversation, created)``. ``user`` needs ``conversations.open_conversation``
    (registered and not banned, or admitted by an app's grant such as the expo's for booth staff
    answering a contact request); ``other`` must be registered and not banned. ``origin`` (e.g.
    "booth:12") is kept from the first opening. Raises AccessDenied (``blocked`` when a contact
    barrier stands between them), NotFound, ConversationError.
    """
    require(user, "conversations.open_conversation", Opening(event=event, other=other))
    if other.pk == user.pk:
        raise ConversationError(_("You cannot start a conversation with yourself."), field="with")
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


def send_conversation_message(*, user, conversation, text, client_id):
    """Store a message once per ``client_id`` and push ``chat.message`` to the conversation.

    The other participant's ``user:<id>`` also gets ``conversation.message`` with their unread
    counts. Returns ``(message, created)``. Raises LiveError/ConversationError: chat.too_long,
    empty, banned, rate_limited; AccessDenied (``blocked``) when either side has blocked the other.
    """
    require(user, "conversations.take_part", conversation)
    text = _clean_text(text, code="chat.too_long")
    existing = ConversationMessage.objects.filter(
        conversation=conversation, sender=user, client_id=client_id
    ).first()
    if existing is not None:
        return existing, False
    if is_banned(user, conversation.event):
        raise ConversationError(_("You have been excluded from this event."), code="banned")
    other = conversation.other(user)
    _check_contact(conversation.event, user, other)
    _check_rate(user, "chat")
    try:
        with transaction.atomic():
            message = ConversationMessage.objects.create(
                conversation=conversation, sender=user, text=text, client_id=client_id
            )
            emit(
                conversation.topic,
                "chat.message",
                conversation_message_data(message),
                stamp=message,
            )
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
    # The notification folds a conversation's unread messages into one and never carries the text.
    notify(
        recipient.pk,
        "conversation.message",
        event=conversation.event,
        data={
            "conversation": conversation.pk,
            "from": payload["from"],
            "url": f"/events/{conversation.event.slug}/messages/{conversation.pk}/",
        },
        group=f"conversation:{conversation.pk}",
    )


def _set_read(conversation, user, seq):
    """Move ``user``'s read mark up to ``seq``; True if it moved (it never moves backwards)."""
    field = read_field(conversation, user)
    # Never move backwards (an older read receipt may arrive late).
    moved = Conversation.objects.filter(pk=conversation.pk, **{f"{field}__lt": seq}).update(
        **{field: seq}
    )
    if getattr(conversation, field) < seq:
        setattr(conversation, field, seq)
    return bool(moved)


def mark_read(*, user, conversation, seq):
    """Record that ``user`` has read everything up to ``seq`` (at most the newest message) and push a
    ``chat.read`` receipt to the conversation when the mark moved; returns the unread count.
    Raises AccessDenied (not a participant)."""
    require(user, "conversations.take_part", conversation)
    last = conversation.messages.order_by("-seq").values_list("seq", flat=True).first() or 0
    seq = min(seq, last)
    if _set_read(conversation, user, seq):
        # A read receipt for the other participant (not stored: the snapshot carries the mark).
        receipt = {"user": user.pk, "seq": seq}
        transaction.on_commit(lambda: bus.publish(conversation.topic, "chat.read", receipt))
    return unread_count(user, conversation)
