"""What 1:1 conversations store about a person, and how it is exported, erased and retained."""

from django.db.models import Q

from congress.live_services import display_name
from treffpunkt.privacy import declare, exporter, retention_eraser, shredder

from .models import Conversation, ConversationMessage

declare(
    "conversations.Conversation",
    exported=("event", "origin", "created_at"),
    kept={
        "user_a": "The other side keeps the conversation; the erased side is the placeholder.",
        "user_b": "The other side keeps the conversation; the erased side is the placeholder.",
        "origin": "Where it started (a booth id or matchmaking), not about a person.",
    },
)
declare(
    "conversations.ConversationMessage",
    exported=("text", "created_at"),
    erased=("text",),
    kept={
        "sender": "The other side's conversation reads in order, with the erased placeholder.",
        "client_id": "A random id the client chose, for de-duplication.",
    },
)


@exporter("conversations")
def export_conversations(user):
    """The person's conversations, with what the other side wrote to them."""
    conversations = (
        Conversation.objects.filter(Q(user_a=user) | Q(user_b=user))
        .select_related("event", "user_a", "user_b")
        .prefetch_related("messages__sender")
        .order_by("pk")
    )
    return [
        {
            "id": conversation.pk,
            "event": conversation.event.slug,
            "with": display_name(conversation.other(user)),
            "origin": conversation.origin,
            "created_at": conversation.created_at,
            "messages": [
                {
                    "from_me": message.sender_id == user.pk,
                    "text": message.text,
                    "created_at": message.created_at,
                }
                for message in sorted(conversation.messages.all(), key=lambda m: m.pk)
            ],
        }
        for conversation in conversations
    ]


@shredder(
    "conversations",
    "Removes the text of the person's 1:1 messages; the other side keeps the conversation, "
    "in order, with the erased placeholder.",
)
def shred_conversations(user, *, strings):
    return {"messages": ConversationMessage.objects.filter(sender=user).update(text="")}


@retention_eraser("chats")
def erase_event_conversations(event):
    """Every 1:1 conversation of the event; the count is of messages."""
    deleted = Conversation.objects.filter(event=event).delete()[1]
    return deleted.get("conversations.ConversationMessage", 0)
