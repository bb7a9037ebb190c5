"""Reads of 1:1 conversations and the data builders of their replies and pushes."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from congress.live_services import display_name, user_data
from treffpunkt.errors import NotFound

from .models import Conversation

HISTORY = 50


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


def conversations_for(user, event):
    """The user's conversations at the event with ``unread``, in one query."""
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


def read_field(conversation, user):
    """The name of the field that holds ``user``'s read mark."""
    return "user_a_read_seq" if user.pk == conversation.user_a_id else "user_b_read_seq"


def unread_count(user, conversation):
    return (
        conversation.messages.exclude(sender=user)
        .filter(seq__gt=getattr(conversation, read_field(conversation, user)))
        .count()
    )


def conversation_message_data(message):
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "user": {"id": message.sender_id, "name": display_name(message.sender)},
        "text": message.text,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
    }


def conversation_data(conversation, user, *, unread=None):
    return {
        "id": conversation.pk,
        "topic": conversation.topic,
        "with": user_data(conversation.other(user)),
        "origin": conversation.origin,
        "unread": unread if unread is not None else unread_count(user, conversation),
        "created_at": conversation.created_at.isoformat(),
    }


def snapshot(user, conversation, *, history=True):
    """The ``subscribe`` snapshot of ``conversation:<id>``: the newest messages and both read marks.

    Without ``history`` (a resume: the client has the messages up to its ``since``, the reply's
    ``missed`` the rest) there is no ``chat``.
    """
    messages = []
    if history:
        messages = list(conversation.messages.select_related("sender").order_by("-seq")[:HISTORY])
    data = {
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
        "read_seq": getattr(conversation, read_field(conversation, user)),
        "other_read_seq": getattr(conversation, read_field(conversation, conversation.other(user))),
    }
    if not history:
        del data["chat"]
    return data
