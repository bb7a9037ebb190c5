"""1:1 conversations of the demo congress, written in bulk (see ``demo/matchmaking.py`` for why).

Matchmaking plans who writes what; this module stores it the way the conversations app would:
messages with their per-topic sequence numbers in the event log, and read marks.
"""

from dataclasses import dataclass

from conversations.models import Conversation, ConversationMessage
from conversations.selectors import conversation_message_data
from treffpunkt.models import TopicCounter, TopicEvent
from treffpunkt.realtime.events import next_seq


@dataclass
class PlannedConversation:
    starter: str
    other: str
    lines: list  # texts, alternating from the starter
    unread_for: str | None  # who has not read the last message yet


def sync_conversations(event, planned, users, *, origin):
    """Conversations by pair; a conversation's messages are rewritten only when they differ.

    ``planned`` holds :class:`PlannedConversation`; ``users`` maps their usernames to users.
    Conversations of ``origin`` the plan does not name are removed.

    New messages get their seq from the topic's event log exactly as ``emit`` assigns it (one
    ``chat.message`` per message), without publishing: nobody is subscribed to a seeded chat.
    Returns the number of messages.
    """
    wanted = {}
    for conversation in planned:
        first, second = users[conversation.starter], users[conversation.other]
        user_a, user_b = sorted((first, second), key=lambda user: user.pk)
        senders = [first if index % 2 == 0 else second for index in range(len(conversation.lines))]
        wanted[(user_a.pk, user_b.pk)] = (conversation, senders)

    conversations = Conversation.objects.filter(event=event)
    existing = {(c.user_a_id, c.user_b_id): c for c in conversations}
    stale = [
        c.pk for pair, c in existing.items() if pair not in wanted and c.origin.startswith(origin)
    ]
    if stale:
        topics = [f"conversation:{pk}" for pk in stale]
        TopicEvent.objects.filter(topic__in=topics).delete()
        TopicCounter.objects.filter(topic__in=topics).delete()
        Conversation.objects.filter(pk__in=stale).delete()
    Conversation.objects.bulk_create(
        [
            Conversation(event=event, user_a_id=a, user_b_id=b, origin=origin)
            for a, b in wanted
            if (a, b) not in existing
        ]
    )
    existing = {(c.user_a_id, c.user_b_id): c for c in Conversation.objects.filter(event=event)}

    current = {}
    for conversation_id, sender_id, text, client_id, seq in (
        ConversationMessage.objects.filter(conversation__event=event)
        .order_by("seq", "pk")
        .values_list("conversation_id", "sender_id", "text", "client_id", "seq")
    ):
        current.setdefault(conversation_id, []).append((sender_id, text, client_id, seq))

    rewrite, messages = [], []
    for pair, (plan, senders) in wanted.items():
        conversation = existing[pair]
        rows = [
            (sender.pk, text, f"demo-{index + 1}")
            for index, (sender, text) in enumerate(zip(senders, plan.lines, strict=True))
        ]
        if [row[:3] for row in current.get(conversation.pk, [])] != rows:
            rewrite.append(conversation.pk)
            messages += [
                ConversationMessage(
                    conversation=conversation, sender=sender, text=text, client_id=client_id
                )
                for (sender_id, text, client_id), sender in zip(rows, senders, strict=True)
            ]
    ConversationMessage.objects.filter(conversation_id__in=rewrite).delete()
    ConversationMessage.objects.bulk_create(messages, batch_size=500)
    events = []
    for message in messages:
        message.seq = next_seq(message.conversation.topic)
        events.append(
            TopicEvent(
                topic=message.conversation.topic,
                seq=message.seq,
                type="chat.message",
                data=conversation_message_data(message),
            )
        )
    TopicEvent.objects.bulk_create(events, batch_size=500)
    ConversationMessage.objects.bulk_update(messages, ["seq"], batch_size=500)
    for message in messages:
        current.setdefault(message.conversation_id, [])
    for conversation_id in rewrite:
        current[conversation_id] = []
    for message in messages:
        current[message.conversation_id].append(
            (message.sender_id, message.text, message.client_id, message.seq)
        )

    # Read up to one's own last message; everyone but the demo accounts has read everything.
    changed = []
    for pair, (plan, _senders) in wanted.items():
        conversation = existing[pair]
        rows = current[conversation.pk]
        for field, user_id in (
            ("user_a_read_seq", conversation.user_a_id),
            ("user_b_read_seq", conversation.user_b_id),
        ):
            if plan.unread_for is not None and users[plan.unread_for].pk == user_id:
                seq = max((row[3] for row in rows if row[0] == user_id), default=0)
            else:
                seq = rows[-1][3]
            if getattr(conversation, field) != seq:
                setattr(conversation, field, seq)
                changed.append(conversation)
    Conversation.objects.bulk_update(
        list({c.pk: c for c in changed}.values()), ["user_a_read_seq", "user_b_read_seq"]
    )
    return sum(len(plan.lines) for plan, _senders in wanted.values())
