"""Realtime of 1:1 conversations: topic ``conversation:<id>``, ``chat.send`` on it, ``chat.read``."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from treffpunkt.access import require
from treffpunkt.realtime.registry import RealtimeError, Subscription, handler, topic_kind

from . import selectors, services


def _conversation_id(topic):
    kind, _sep, key = topic.partition(":")
    if kind != "conversation" or not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a conversation topic such as conversation:42."))
    return int(key)


def topic_conversation(ctx, data):
    """Loader: the conversation of ``data["topic"]``, if the user takes part (else not_found)."""
    return selectors.load_conversation(ctx.user, _conversation_id(data["topic"]))


@topic_kind("conversation")
def open_conversation_topic(ctx, key):
    """Only the two participants; anyone else gets not_found (the conversation stays hidden)."""
    if not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a conversation topic such as conversation:42."))
    if not ctx.user.is_authenticated:
        raise RealtimeError("login_required", _("Please log in first."))
    conversation = selectors.load_conversation(ctx.user, int(key))
    require(ctx.user, "conversations.take_part", conversation)
    snapshot = selectors.snapshot(
        ctx.user, conversation, history=not getattr(ctx, "resuming", False)
    )
    return Subscription(snapshot=snapshot)


class ChatSendSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True)
    client_id = serializers.CharField(max_length=64)


@handler(
    "chat.send",
    topic="conversation",
    schema=ChatSendSchema,
    subscribed=True,
    load=topic_conversation,
    rule="conversations.take_part",
)
def send_chat(ctx, data, conversation):
    """Store and push a message; the reply carries it (also for a resend of a client id)."""
    message, created = services.send_conversation_message(
        user=ctx.user, conversation=conversation, text=data["text"], client_id=data["client_id"]
    )
    return {
        "message": selectors.conversation_message_data(message),
        "seq": message.seq,
        "duplicate": not created,
    }


class ChatReadSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    seq = serializers.IntegerField(min_value=0)


@handler(
    "chat.read", schema=ChatReadSchema, load=topic_conversation, rule="conversations.take_part"
)
def read_chat(ctx, data, conversation):
    """Mark a conversation read up to ``seq``; the reply carries the remaining unread count."""
    unread = services.mark_read(user=ctx.user, conversation=conversation, seq=data["seq"])
    return {"topic": data["topic"], "seq": data["seq"], "unread": unread}
