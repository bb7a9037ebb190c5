"""Realtime handlers of the congress: topics ``event:<slug>`` and ``session:<id>``.

Handlers are written like views (``treffpunkt.realtime.registry.handler``): validated data and the
loaded object in, reply data out; refusals are raised. The permission of every handler is the same
access rule REST uses (``treffpunkt.access``), checked by the registry or by the service it calls.
"""

import time

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from treffpunkt.access import allowed, require
from treffpunkt.db.rows import RowLoader, read_once
from treffpunkt.errors import NotFound
from treffpunkt.realtime import bus
from treffpunkt.realtime.registry import RealtimeError, Subscription, handler, topic_kind

from . import hooks, live_services
from .announcements import announcements_for, audiences_for
from .live_services import REACTIONS, chat_message_data, poll_data, question_data
from .models import ChatMessage, Event, Poll, PollVote, Question, Session
from .permissions import prefetch_primed, primed
from .serializers import session_event_data

HISTORY = 50


def _session_id(topic):
    kind, _sep, key = topic.partition(":")
    if kind != "session" or not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a session topic such as session:42."))
    return int(key)


# Every subscribe and many requests load the session with its event and room: SQL written once,
# and read once for the subscribes that share a trip to the database (a storm's).
_sessions = RowLoader(Session, related=("event", "room"), shared=True)


def _load_session(session_id):
    session = _sessions.get(session_id)
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
    return Subscription(
        snapshot={
            "event": {"slug": event.slug, "name": event.name},
            "announcements": announcements_for(ctx.user, event),
            "audiences": audiences_for(ctx.user, event),
        }
    )


# What every subscriber of a session shares, per process: the chat history and the questions as
# pushes show them. A write that changes them takes a new seq, and a change to the session row a
# new ``updated_at``; both are in the key, so only edits that take neither (a user's new display
# name) can show up to this late. A reconnect storm of thousands then reads them once a second.
SHARED_SECONDS = 1.0
_shared = {}


def _shared_part(session, seq, *, history):
    key = (session.pk, session.updated_at, seq)
    now = time.monotonic()
    entry = _shared.get(session.pk)
    if seq is None:  # not opened by the gateway: no seq to key on
        entry = None
    if entry is None or entry[0] != key or entry[1] <= now or (history and entry[2] is None):
        chat = None
        if history:
            messages = list(
                ChatMessage.objects.filter(session=session, is_deleted=False)
                .select_related("user")
                .order_by("-seq")[:HISTORY]
            )
            chat = [chat_message_data(message) for message in reversed(messages)]
        elif entry is not None and entry[0] == key and entry[1] > now:
            chat = entry[2]
        questions = [
            question_data(question)
            for question in Question.objects.filter(session=session)
            .select_related("user")
            .order_by("-votes", "created_at")
        ]
        entry = (key, now + SHARED_SECONDS, chat, questions)
        if seq is not None:
            if len(_shared) >= 1000:
                _shared.clear()
            _shared[session.pk] = entry
    return entry[2], entry[3]


def forget_shared():
    """Drop the shared snapshot parts (tests reuse session ids in fresh databases)."""
    _shared.clear()


@topic_kind("session")
def open_session_topic(ctx, key):
    """The snapshot of ``session:<id>``; on a resume (``ctx.resuming``) without ``chat``: the client
    holds the messages up to its ``since`` and ``missed`` brings the rest."""
    if not key.isdigit():
        raise RealtimeError("unknown_topic", _("Use a session topic such as session:42."))
    # The subscribes of one shared trip (a storm's) share one instance of the session, as they
    # share its row: the rules, the snapshot and the subscription's redaction only read it, and
    # building it anew for each was 3 % of the servers' CPU in a reconnect storm
    # (docs/performance.md). Other loaders (chat, questions, polls) still get their own.
    session_id = int(key)
    session = read_once(
        ("congress.subscribed_session", session_id), lambda: _load_session(session_id)
    )
    # The rules below ask about the user's role, ban, speaking and mute: one query for all.
    with primed(ctx.user, session):
        return _session_subscription(ctx, session)


def _prefetch_session_subscribes(pairs):
    """For the subscribes of one shared trip (``treffpunkt.realtime.trips``): the rules' row of
    every user at each session in one query (``permissions.prefetch_primed``), not one each."""
    users = {}
    for ctx, key in pairs:
        if key.isdigit() and ctx.user.is_authenticated:
            users.setdefault(int(key), []).append(ctx.user.pk)
    for session_id, user_ids in users.items():
        session = _sessions.get(session_id)
        if session is not None:
            prefetch_primed(user_ids, session)


open_session_topic.prefetch = _prefetch_session_subscribes


def _session_subscription(ctx, session):
    if not allowed(ctx.user, "congress.view_event", session.event):
        raise NotFound(_("No such session."))
    require(ctx.user, "congress.watch_session", session)
    hooks.session_watched(ctx, session)
    moderator = allowed(ctx.user, "congress.moderate_session", session)
    resuming = getattr(ctx, "resuming", False)
    chat, questions = _shared_part(session, getattr(ctx, "topic_seq", None), history=not resuming)
    if not moderator:
        hidden = Question.State.HIDDEN.value
        questions = [question for question in questions if question["state"] != hidden]
    polls = []
    if _has_polls(session.pk):
        polls = list(Poll.objects.filter(session=session).prefetch_related("options"))
    if not moderator:
        polls = [poll for poll in polls if poll.state != Poll.State.DRAFT]
    voted = voted_polls = set()
    muted_until = None
    if ctx.user.is_authenticated:
        if questions:
            voted = set(
                session.questions.filter(upvotes__user=ctx.user).values_list("pk", flat=True)
            )
        if polls:
            voted_polls = set(
                PollVote.objects.filter(poll__session=session, user=ctx.user).values_list(
                    "poll_id", flat=True
                )
            )
        muted_until = live_services.muted_until(ctx.user, session)
    may_take_part = allowed(ctx.user, "congress.take_part", session)
    snapshot = {
        "session": {
            **session_event_data(session),
            "stream_url": session.room.stream_url if session.room else "",
        },
        "chat_open": live_services.chat_is_open(session),
        "moderator": moderator,
        "may_take_part": may_take_part,
        "questions": [{**question, "voted": question["id"] in voted} for question in questions],
        "polls": [{**poll_data(poll), "voted": poll.pk in voted_polls} for poll in polls],
        "muted": muted_until is not None,
        "muted_until": muted_until.isoformat() if muted_until not in (None, True) else None,
        "reactions": list(REACTIONS),
    }
    if not resuming:
        snapshot = {**snapshot, "chat": chat}
    return Subscription(
        snapshot=snapshot,
        counts_presence=True,
        redact=lambda missed: redact_session_replay(session, missed, moderator=moderator),
        replay_variant=("moderator" if moderator else "viewer"),
        # Reactions (reuse_for) need no database trip of their own for a while.
        granted={"congress.take_part": session} if may_take_part else {},
    )


def _has_polls(session_id):
    """Whether the session has any poll: most have none, and this plain SQL costs a fraction of
    building and compiling the polls' query with its options. Asked once for the subscribes that
    share a trip to the database."""
    from django.db import connection

    def read():
        quote = connection.ops.quote_name
        field = Poll._meta.get_field("session")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {quote(Poll._meta.db_table)}"  # noqa: S608 (names are ours)
                f" WHERE {quote(field.column)} = %s LIMIT 1",
                [session_id],
            )
            return cursor.fetchone() is not None

    return read_once(("congress.has_polls", session_id), read)


QUESTION_PUSHES = {"question.new", "question.updated"}


def redact_session_replay(session, missed, *, moderator):
    """The replayed pushes without what the snapshot would not show: deleted chat messages
    (to everyone) and hidden questions (to all but moderators).

    A redacted push keeps its seq and says only that the item is gone: ``chat.deleted {"id"}``
    or ``question.updated {"id", "state": "hidden"}``, which the client already handles.
    """
    message_ids = {push["data"]["id"] for push in missed if push["type"] == "chat.message"}
    deleted = set(
        ChatMessage.objects.filter(
            session=session, pk__in=message_ids, is_deleted=True
        ).values_list("pk", flat=True)
    )
    hidden = set()
    if not moderator:
        question_ids = {push["data"]["id"] for push in missed if push["type"] in QUESTION_PUSHES}
        hidden = set(
            Question.objects.filter(
                session=session, pk__in=question_ids, state=Question.State.HIDDEN
            ).values_list("pk", flat=True)
        )
    redacted = []
    for push in missed:
        item = push["data"].get("id") if isinstance(push["data"], dict) else None
        if push["type"] == "chat.message" and item in deleted:
            push = {**push, "type": "chat.deleted", "data": {"id": item}}
        elif push["type"] in QUESTION_PUSHES and item in hidden:
            state = Question.State.HIDDEN.value
            push = {**push, "type": "question.updated", "data": {"id": item, "state": state}}
        redacted.append(push)
    return redacted


@topic_kind("user")
def open_user_topic(ctx, key):
    return Subscription(snapshot={})


# -- loaders --------------------------------------------------------------------------------


def topic_session(ctx, data):
    """Loader: the session of ``data["topic"]`` (``session:<id>``)."""
    return _load_session(_session_id(data["topic"]))


def load_question(ctx, data):
    """Loader: ``data["question"]``; a hidden question exists only for the session's moderators."""
    question = (
        Question.objects.select_related("session__event", "user")
        .filter(pk=data["question"])
        .first()
    )
    if question is None:
        raise NotFound(_("No such question."))
    if question.state == Question.State.HIDDEN and not allowed(
        ctx.user, "congress.moderate_session", question.session
    ):
        raise NotFound(_("No such question."))
    return question


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


def load_poll(ctx, data):
    """Loader: ``data["poll"]`` with its options."""
    return _load_poll(data["poll"])


def _load_user(user_id):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


# -- chat -----------------------------------------------------------------------------------


class ChatSendSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True)
    client_id = serializers.CharField(max_length=64)


class MessageSchema(serializers.Serializer):
    message = serializers.IntegerField()


def chat_session(ctx, data):
    """Loader of ``chat.send`` for every topic no other app takes: only sessions have a chat here."""
    topic = data["topic"]
    if not topic.startswith("session:"):
        raise RealtimeError(
            "unknown_topic", _("Chat is not available on %(topic)s.") % {"topic": topic}
        )
    return topic_session(ctx, data)


def _prefetch_chat_sends(requests):
    """For the chat messages of one shared trip (``treffpunkt.realtime.trips``): their
    sessions, each writer's rules' row (``permissions.prefetch_primed``) and whether the message
    was sent already (``live_services.prefetch_sent``), one query each for all of them."""
    writers = {}
    for ctx, data in requests:
        kind, _sep, key = data["topic"].partition(":")
        if kind == "session" and key.isdigit() and ctx.user.is_authenticated:
            writers.setdefault(int(key), []).append((ctx.user.pk, data["client_id"]))
    _sessions.prefetch(writers)
    for session_id, pairs in writers.items():
        session = _sessions.get(session_id)
        if session is not None:
            prefetch_primed([user_id for user_id, _client_id in pairs], session)
            live_services.prefetch_sent(session, pairs)


@handler(
    "chat.send",
    schema=ChatSendSchema,
    subscribed=True,
    load=chat_session,
    prefetch=_prefetch_chat_sends,
)
def send_chat(ctx, data, session):
    """Store and push a chat message; the reply carries it (also for a resend of a client id)."""
    message, created = live_services.send_chat_message(
        user=ctx.user, session=session, text=data["text"], client_id=data["client_id"]
    )
    return {"message": chat_message_data(message), "seq": message.seq, "duplicate": not created}


def load_chat_message(ctx, data):
    """Loader: ``data["message"]``, unless it is deleted."""
    message = (
        ChatMessage.objects.select_related("session__event").filter(pk=data["message"]).first()
    )
    if message is None or message.is_deleted:
        raise NotFound(_("No such message."))
    return message


@handler("chat.delete", schema=MessageSchema, load=load_chat_message)
def delete_chat(ctx, data, message):
    live_services.delete_chat_message(user=ctx.user, message=message)
    return {"id": message.pk}


# -- questions ------------------------------------------------------------------------------


class AskSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True)
    client_id = serializers.CharField(max_length=64)


class QuestionSchema(serializers.Serializer):
    question = serializers.IntegerField()


@handler("question.ask", schema=AskSchema, subscribed=True, load=topic_session)
def ask(ctx, data, session):
    question, _created = live_services.ask_question(
        user=ctx.user, session=session, text=data["text"], client_id=data["client_id"]
    )
    return {"question": question_data(question)}


@handler("question.upvote", schema=QuestionSchema, load=load_question)
def upvote(ctx, data, question):
    question = live_services.upvote_question(user=ctx.user, question=question)
    return {"question": question_data(question)}


@handler("question.answer", schema=QuestionSchema, load=load_question)
def answer_question(ctx, data, question):
    live_services.set_question_state(
        user=ctx.user, question=question, state=Question.State.ANSWERED
    )
    return {"question": question_data(question)}


@handler("question.hide", schema=QuestionSchema, load=load_question)
def hide_question(ctx, data, question):
    live_services.set_question_state(user=ctx.user, question=question, state=Question.State.HIDDEN)
    return {"question": question_data(question)}


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


@handler("poll.create", schema=PollCreateSchema, subscribed=True, load=topic_session)
def create_poll(ctx, data, session):
    poll = live_services.create_poll(
        user=ctx.user, session=session, question=data["question"], options=data["options"]
    )
    return {"poll": poll_data(_load_poll(poll.pk))}


@handler("poll.open", schema=PollSchema, load=load_poll)
def open_poll(ctx, data, poll):
    poll = live_services.set_poll_state(user=ctx.user, poll=poll, state=Poll.State.OPEN)
    return {"poll": poll_data(poll)}


@handler("poll.close", schema=PollSchema, load=load_poll)
def close_poll(ctx, data, poll):
    poll = live_services.set_poll_state(user=ctx.user, poll=poll, state=Poll.State.CLOSED)
    return {"poll": poll_data(poll)}


@handler("poll.vote", schema=PollVoteSchema, load=load_poll)
async def vote(ctx, data, poll):
    """Results go out at most once per second per poll (``ctx.hub``), not once per vote."""
    ctx.require_subscribed(f"session:{poll.session_id}")
    await database_sync_to_async(live_services.vote_in_poll)(
        user=ctx.user, poll=poll, option_id=data["option"]
    )
    publish = database_sync_to_async(live_services.publish_poll_results)
    ctx.hub.once_per_second(f"poll:{poll.pk}", lambda: publish(poll.pk))
    return {"poll": poll.pk, "option": data["option"]}


# -- reactions ------------------------------------------------------------------------------


class ReactionSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    emoji = serializers.ChoiceField(choices=[(emoji, emoji) for emoji in REACTIONS])


@handler(
    "reaction.send",
    schema=ReactionSchema,
    subscribed=True,
    load=topic_session,
    rule="congress.take_part",
    reuse_for=10.0,
)
async def react(ctx, data, session):
    """Reactions are counted per process and pushed as one ``reaction.burst`` per second."""
    topic = data["topic"]
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


@handler("moderation.mute", schema=MuteSchema, load=topic_session)
def mute(ctx, data, session):
    live_services.mute_user(
        user=ctx.user,
        session=session,
        target=_load_user(data["user"]),
        minutes=data.get("minutes"),
    )
    return {"user": data["user"], "session": session.pk}


@handler("moderation.unmute", schema=MuteSchema, load=topic_session)
def unmute(ctx, data, session):
    live_services.unmute_user(user=ctx.user, session=session, target=_load_user(data["user"]))
    return {"user": data["user"], "session": session.pk}


def load_event(ctx, data):
    """Loader: the event ``data["event"]`` (a slug)."""
    event = Event.objects.filter(slug=data["event"]).first()
    if event is None:
        raise NotFound(_("No such event."))
    return event


@handler("moderation.ban", schema=BanSchema, load=load_event)
def ban(ctx, data, event):
    live_services.ban_user(
        user=ctx.user,
        event=event,
        target=_load_user(data["user"]),
        reason=data.get("reason", ""),
    )
    return {"user": data["user"], "event": event.slug}
