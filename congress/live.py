"""Realtime handlers of the congress: topics ``event:<slug>``, ``session:<id>``, ``conversation:<id>``.

Handlers are plain async functions: validated data in, reply data out; refusals are raised. The
permission of every handler is the same access rule REST uses (``treffpunkt.access``).
"""

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from treffpunkt.access import allowed, require
from treffpunkt.errors import NotFound
from treffpunkt.realtime import bus
from treffpunkt.realtime.registry import RealtimeError, Subscription, handler, topic_kind

from . import conversations, hooks, live_services
from .live_services import REACTIONS, chat_message_data, poll_data, question_data
from .models import ChatMessage, Event, Poll, PollVote, Question, Session
from .serializers import session_event_data

HISTORY = 50


def _session_id(topic):
    kind, _sep, key = topic.partition(":")
    if kind != "session" or not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a session topic such as session:42."))
    return int(key)


def _load_session(session_id):
    session = Session.objects.select_related("event", "room").filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No such session."))
    return session


# -- topics ---------------------------------------------------------------------------------


@topic_kind("event")
def open_event_topic(ctx, key):
    event = Event.objects.filter(slug=key).first()
    if event is None or not allowed(ctx.user, "congress.view_event", event):
        raise NotFound(_("No such event."))
    require(ctx.user, "congress.follow_event", event)
    return Subscription(snapshot={"event": {"slug": event.slug, "name": event.name}})


@topic_kind("session")
def open_session_topic(ctx, key):
    if not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a session topic such as session:42."))
    session = _load_session(int(key))
    if not allowed(ctx.user, "congress.view_event", session.event):
        raise NotFound(_("No such session."))
    require(ctx.user, "congress.watch_session", session)
    hooks.session_watched(ctx, session)
    moderator = allowed(ctx.user, "congress.moderate_session", session)
    messages = list(
        ChatMessage.objects.filter(session=session, is_deleted=False)
        .select_related("user")
        .order_by("-seq")[:HISTORY]
    )
    questions = Question.objects.filter(session=session).select_related("user")
    if not moderator:
        questions = questions.exclude(state=Question.State.HIDDEN)
    polls = Poll.objects.filter(session=session).prefetch_related("options")
    if not moderator:
        polls = polls.exclude(state=Poll.State.DRAFT)
    voted = voted_polls = set()
    muted_until = None
    if ctx.user.is_authenticated:
        voted = set(session.questions.filter(upvotes__user=ctx.user).values_list("pk", flat=True))
        voted_polls = set(
            PollVote.objects.filter(poll__session=session, user=ctx.user).values_list(
                "poll_id", flat=True
            )
        )
        muted_until = live_services.muted_until(ctx.user, session)
    snapshot = {
        "session": {
            **session_event_data(session),
            "stream_url": session.room.stream_url if session.room else "",
        },
        "chat_open": live_services.chat_is_open(session),
        "moderator": moderator,
        "may_take_part": allowed(ctx.user, "congress.take_part", session),
        "chat": [chat_message_data(message) for message in reversed(messages)],
        "questions": [
            {**question_data(question), "voted": question.pk in voted}
            for question in questions.order_by("-votes", "created_at")
        ],
        "polls": [{**poll_data(poll), "voted": poll.pk in voted_polls} for poll in polls],
        "muted": muted_until is not None,
        "muted_until": muted_until.isoformat() if muted_until not in (None, True) else None,
        "reactions": list(REACTIONS),
    }
    return Subscription(snapshot=snapshot, counts_presence=True)


@topic_kind("conversation")
def open_conversation_topic(ctx, key):
    """Only the two participants; anyone else gets not_found (the conversation stays hidden)."""
    if not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a conversation topic such as conversation:42."))
    if not ctx.user.is_authenticated:
        raise RealtimeError("login_required", _("Please log in first."))
    conversation = conversations.load_conversation(ctx.user, int(key))
    require(ctx.user, "congress.take_part_in_conversation", conversation)
    return Subscription(snapshot=conversations.snapshot(ctx.user, conversation))


@topic_kind("user")
def open_user_topic(ctx, key):
    return Subscription(snapshot={})


# -- chat -----------------------------------------------------------------------------------


class ChatSendSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True)
    client_id = serializers.CharField(max_length=64)


class MessageSchema(serializers.Serializer):
    message = serializers.IntegerField()


@handler("chat.send", schema=ChatSendSchema)
async def send_chat(ctx, data):
    """Store and push a chat message; the reply carries it (also for a resend of a client id)."""
    topic = data["topic"]
    ctx.require_subscribed(topic)
    if topic.startswith("conversation:"):
        return await _send_conversation_chat(ctx, topic, data)
    if not topic.startswith("session:"):
        raise RealtimeError(
            "unknown_topic", _("Chat is not available on %(topic)s.") % {"topic": topic}
        )

    @database_sync_to_async
    def send():
        session = _load_session(_session_id(topic))
        message, created = live_services.send_chat_message(
            user=ctx.user, session=session, text=data["text"], client_id=data["client_id"]
        )
        return {"message": chat_message_data(message), "seq": message.seq, "duplicate": not created}

    return await send()


def _conversation_id(topic):
    kind, _sep, key = topic.partition(":")
    if kind != "conversation" or not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a conversation topic such as conversation:42."))
    return int(key)


@database_sync_to_async
def _send_conversation_chat(ctx, topic, data):
    conversation = conversations.load_conversation(ctx.user, _conversation_id(topic))
    message, created = conversations.send_conversation_message(
        user=ctx.user, conversation=conversation, text=data["text"], client_id=data["client_id"]
    )
    return {
        "message": conversations.conversation_message_data(message),
        "seq": message.seq,
        "duplicate": not created,
    }


class ChatReadSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    seq = serializers.IntegerField(min_value=0)


@handler("chat.read", schema=ChatReadSchema)
async def read_chat(ctx, data):
    """Mark a conversation read up to ``seq``; the reply carries the remaining unread count."""
    topic = data["topic"]

    @database_sync_to_async
    def run():
        conversation = conversations.load_conversation(ctx.user, _conversation_id(topic))
        unread = conversations.mark_read(user=ctx.user, conversation=conversation, seq=data["seq"])
        return {"topic": topic, "seq": data["seq"], "unread": unread}

    return await run()


@handler("chat.delete", schema=MessageSchema)
async def delete_chat(ctx, data):
    @database_sync_to_async
    def delete():
        message = (
            ChatMessage.objects.select_related("session__event").filter(pk=data["message"]).first()
        )
        if message is None or message.is_deleted:
            raise NotFound(_("No such message."))
        live_services.delete_chat_message(user=ctx.user, message=message)
        return {"id": message.pk}

    return await delete()


# -- questions ------------------------------------------------------------------------------


class AskSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True)
    client_id = serializers.CharField(max_length=64)


class QuestionSchema(serializers.Serializer):
    question = serializers.IntegerField()


def _load_question(question_id, user):
    question = (
        Question.objects.select_related("session__event", "user").filter(pk=question_id).first()
    )
    if question is None:
        raise NotFound(_("No such question."))
    if question.state == Question.State.HIDDEN and not allowed(
        user, "congress.moderate_session", question.session
    ):
        raise NotFound(_("No such question."))
    return question


@handler("question.ask", schema=AskSchema)
async def ask(ctx, data):
    ctx.require_subscribed(data["topic"])

    @database_sync_to_async
    def run():
        session = _load_session(_session_id(data["topic"]))
        question, _created = live_services.ask_question(
            user=ctx.user, session=session, text=data["text"], client_id=data["client_id"]
        )
        return {"question": question_data(question)}

    return await run()


@handler("question.upvote", schema=QuestionSchema)
async def upvote(ctx, data):
    @database_sync_to_async
    def run():
        question = _load_question(data["question"], ctx.user)
        question = live_services.upvote_question(user=ctx.user, question=question)
        return {"question": question_data(question)}

    return await run()


def _question_state_handler(state):
    async def run(ctx, data):
        @database_sync_to_async
        def change():
            question = _load_question(data["question"], ctx.user)
            live_services.set_question_state(user=ctx.user, question=question, state=state)
            return {"question": question_data(question)}

        return await change()

    return run


handler("question.answer", schema=QuestionSchema)(_question_state_handler(Question.State.ANSWERED))
handler("question.hide", schema=QuestionSchema)(_question_state_handler(Question.State.HIDDEN))


# -- polls ----------------------------------------------------------------------------------


class PollCreateSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    question = serializers.CharField(max_length=300)
    options = serializers.ListField(
        child=serializers.CharField(max_length=200), min_length=2, max_length=10
    )


class PollSchema(serializers.Serializer):
    poll = serializers.IntegerField()


class PollVoteSchema(serializers.Serializer):
    poll = serializers.IntegerField()
    option = serializers.IntegerField()


def _load_poll(poll_id):
    poll = (
        Poll.objects.select_related("session__event")
        .prefetch_related("options")
        .filter(pk=poll_id)
        .first()
    )
    if poll is None:
        raise NotFound(_("No such poll."))
    return poll


@handler("poll.create", schema=PollCreateSchema)
async def create_poll(ctx, data):
    ctx.require_subscribed(data["topic"])

    @database_sync_to_async
    def run():
        session = _load_session(_session_id(data["topic"]))
        poll = live_services.create_poll(
            user=ctx.user, session=session, question=data["question"], options=data["options"]
        )
        return {"poll": poll_data(_load_poll(poll.pk))}

    return await run()


def _poll_state_handler(state):
    async def run(ctx, data):
        @database_sync_to_async
        def change():
            poll = live_services.set_poll_state(
                user=ctx.user, poll=_load_poll(data["poll"]), state=state
            )
            return {"poll": poll_data(poll)}

        return await change()

    return run


handler("poll.open", schema=PollSchema)(_poll_state_handler(Poll.State.OPEN))
handler("poll.close", schema=PollSchema)(_poll_state_handler(Poll.State.CLOSED))


@handler("poll.vote", schema=PollVoteSchema)
async def vote(ctx, data):
    @database_sync_to_async
    def run():
        poll = _load_poll(data["poll"])
        if f"session:{poll.session_id}" not in ctx.connection.topics:
            raise RealtimeError("not_subscribed", _("Subscribe to the session first."))
        live_services.vote_in_poll(user=ctx.user, poll=poll, option_id=data["option"])
        return poll.pk

    poll_id = await run()
    publish = database_sync_to_async(live_services.publish_poll_results)
    ctx.hub.once_per_second(f"poll:{poll_id}", lambda: publish(poll_id))
    return {"poll": poll_id, "option": data["option"]}


# -- reactions ------------------------------------------------------------------------------


class ReactionSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    emoji = serializers.ChoiceField(choices=[(emoji, emoji) for emoji in REACTIONS])


@handler("reaction.send", schema=ReactionSchema)
async def react(ctx, data):
    """Reactions are counted per process and pushed as one ``reaction.burst`` per second."""
    topic = data["topic"]
    ctx.require_subscribed(topic)

    @database_sync_to_async
    def check():
        session = _load_session(_session_id(topic))
        require(ctx.user, "congress.take_part", session)

    await check()
    counts = ctx.hub.reaction_counts.setdefault(topic, {})
    counts[data["emoji"]] = counts.get(data["emoji"], 0) + 1

    async def flush():
        burst = ctx.hub.reaction_counts.pop(topic, {})
        if burst:
            await bus.apublish(topic, "reaction.burst", {"counts": burst})

    ctx.hub.once_per_second(f"reactions:{topic}", flush)
    return {}


# -- moderation -----------------------------------------------------------------------------


class MuteSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    user = serializers.IntegerField()
    minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, required=False)


class BanSchema(serializers.Serializer):
    event = serializers.SlugField()
    user = serializers.IntegerField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _load_user(user_id):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


@handler("moderation.mute", schema=MuteSchema)
async def mute(ctx, data):
    @database_sync_to_async
    def run():
        session = _load_session(_session_id(data["topic"]))
        live_services.mute_user(
            user=ctx.user,
            session=session,
            target=_load_user(data["user"]),
            minutes=data.get("minutes"),
        )
        return {"user": data["user"], "session": session.pk}

    return await run()


@handler("moderation.unmute", schema=MuteSchema)
async def unmute(ctx, data):
    @database_sync_to_async
    def run():
        session = _load_session(_session_id(data["topic"]))
        live_services.unmute_user(user=ctx.user, session=session, target=_load_user(data["user"]))
        return {"user": data["user"], "session": session.pk}

    return await run()


@handler("moderation.ban", schema=BanSchema)
async def ban(ctx, data):
    @database_sync_to_async
    def run():
        event = Event.objects.filter(slug=data["event"]).first()
        if event is None:
            raise NotFound(_("No such event."))
        live_services.ban_user(
            user=ctx.user,
            event=event,
            target=_load_user(data["user"]),
            reason=data.get("reason", ""),
        )
        return {"user": data["user"], "event": event.slug}

    return await run()
