"""Writes of live sessions: chat, questions, polls, moderation.

Each function checks the rules, writes inside ``transaction.atomic`` and records the push in the
topic's log (``emit``), which publishes it after commit. Refusals raise :class:`LiveError`, whose
``code`` the gateway returns as the error code.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from treffpunkt import ratelimit
from treffpunkt.access import require
from treffpunkt.db.rows import NOT_READ, prefetched, remember
from treffpunkt.errors import DomainError
from treffpunkt.realtime import bus
from treffpunkt.realtime.events import create_and_emit, emit

from .models import (
    Ban,
    ChatMessage,
    ModerationLog,
    Mute,
    Poll,
    PollOption,
    PollVote,
    Question,
    QuestionVote,
    Session,
)
from .permissions import NOT_PRIMED, is_banned, primed, primed_mute

CHAT_OPENS_BEFORE = timedelta(minutes=15)
CHAT_CLOSES_AFTER = timedelta(minutes=15)
REACTIONS = ("👍", "👏", "❤️", "😂", "🎉", "🤔")


class LiveError(DomainError):
    pass


def session_topic(session):
    return f"session:{session.pk}"


def chat_is_open(session, now=None):
    """Open while live, and from a little before the scheduled start to a little after the end."""
    if session.state == Session.State.LIVE:
        return True
    if session.state == Session.State.CANCELLED:
        return False
    now = now or timezone.now()
    return session.start - CHAT_OPENS_BEFORE <= now <= session.end + CHAT_CLOSES_AFTER


def display_name(user):
    return user.get_full_name() or user.get_username()


def user_data(user):
    """A person as pushes and replies show them: ``{"id", "name"}``."""
    return {"id": user.pk, "name": display_name(user)}


def chat_message_data(message):
    return {
        "id": message.pk,
        "session": message.session_id,
        "user": {"id": message.user_id, "name": display_name(message.user)},
        "text": message.text,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
    }


def question_data(question):
    return {
        "id": question.pk,
        "session": question.session_id,
        "user": {"id": question.user_id, "name": display_name(question.user)},
        "text": question.text,
        "state": question.state,
        "votes": question.votes,
        "created_at": question.created_at.isoformat(),
    }


def poll_data(poll, counts=None):
    counts = counts if counts is not None else poll_counts(poll)
    return {
        "id": poll.pk,
        "session": poll.session_id,
        "question": poll.question,
        "state": poll.state,
        "options": [
            {"id": option.pk, "text": option.text, "votes": counts.get(option.pk, 0)}
            for option in poll.options.all()
        ],
        "total": sum(counts.values()),
    }


def poll_counts(poll):
    rows = PollVote.objects.filter(poll=poll).values("option").annotate(n=Count("pk"))
    return {row["option"]: row["n"] for row in rows}


def muted_until(user, session):
    """None when the user may write; else the end of the mute, or True for a mute without end."""
    known = primed_mute(user, session)
    if known is NOT_PRIMED:
        mute = Mute.objects.filter(session=session, user=user).first()
        known = None if mute is None else (mute.until,)
    if known is None or (known[0] is not None and known[0] <= timezone.now()):
        return None
    return known[0] or True


def _check_may_write(user, session):
    # The rules ask about the user's role, ban (twice) and mute: one query for all, as for a
    # subscribe. Every chat message, question and poll vote asks them (docs/performance.md).
    with primed(user, session):
        require(
            user,
            "congress.take_part",
            session,
            message=_("Please register for the event to take part."),
        )
        if is_banned(user, session.event):
            raise LiveError(_("You have been excluded from this event."), code="banned")
        if muted_until(user, session) is not None:
            raise LiveError(_("You have been muted in this session."), code="muted")


def check_rate(user, kind):
    """Count one write of ``kind`` (a limit in ``settings.RATE_LIMITS``) by ``user``.

    Raises LiveError ``rate_limited`` past the limit, counted over every process.
    """
    if not ratelimit.hit(kind, user.pk).allowed:
        raise LiveError(
            _("You are writing too fast; please wait a few seconds."), code="rate_limited"
        )


_check_rate = check_rate


def _clean_text(text, *, code):
    text = text.strip()
    if not text:
        raise LiveError(_("The text is empty."), code="empty", field="text")
    if len(text) > settings.REALTIME["CHAT_MAX_LENGTH"]:
        raise LiveError(
            _("The text is too long (at most %(limit)s characters).")
            % {"limit": settings.REALTIME["CHAT_MAX_LENGTH"]},
            code=code,
            field="text",
        )
    return text


def send_chat_message(*, user, session, text, client_id):
    """Store a chat message once per ``client_id`` and push ``chat.message``.

    Returns ``(message, created)``; a resend with the same client id returns the stored message.
    Raises LiveError: chat.too_long, empty, chat.closed, muted, banned, rate_limited.
    """
    text = _clean_text(text, code="chat.too_long")
    existing = _sent_message(session, user.pk, client_id)
    if existing is not None:
        return existing, False
    _check_may_write(user, session)
    if not chat_is_open(session):
        raise LiveError(_("The chat of this session is closed."), code="chat.closed")
    _check_rate(user, "chat")
    try:
        message = create_and_emit(
            ChatMessage,
            {"session": session, "user": user, "text": text, "client_id": client_id},
            session_topic(session),
            "chat.message",
            chat_message_data,
        )
    except IntegrityError:
        return ChatMessage.objects.get(session=session, user=user, client_id=client_id), False
    return message, True


def _sent_key(session, user_id, client_id):
    return ("congress.chat_sent", session.pk, user_id, client_id)


def _sent_message(session, user_id, client_id):
    """The message the user sent with ``client_id`` already (a resend), or None."""
    known = prefetched(_sent_key(session, user_id, client_id))
    if known is not NOT_READ:
        return known
    messages = ChatMessage.objects.select_related("user")
    return messages.filter(session=session, user_id=user_id, client_id=client_id).first()


def prefetch_sent(session, writers):
    """Within ``shared_reads``: for the ``(user id, client id)`` of each of ``writers``, the
    message already sent with it, in one query; :func:`send_chat_message` then asks no query of
    its own. For the chat messages of one shared trip (``congress.live``). A pair that comes
    twice is left to ask for itself, since the first of the two may send it."""
    counted = {}
    for writer in writers:
        counted[writer] = counted.get(writer, 0) + 1
    once = [writer for writer, count in counted.items() if count == 1]
    if not once:
        return
    sent = {
        (message.user_id, message.client_id): message
        for message in ChatMessage.objects.select_related("user").filter(
            session=session,
            user_id__in={user_id for user_id, _client_id in once},
            client_id__in={client_id for _user_id, client_id in once},
        )
    }
    for user_id, client_id in once:
        remember(_sent_key(session, user_id, client_id), sent.get((user_id, client_id)))


def delete_chat_message(*, user, message):
    """Authors delete their own messages; moderators delete any. Pushes ``chat.deleted``."""
    session = message.session
    if message.user_id != user.pk:
        require(user, "congress.moderate_session", session)
    if message.is_deleted:
        return message
    with transaction.atomic():
        message.is_deleted = True
        message.save(update_fields=["is_deleted"])
        emit(session_topic(session), "chat.deleted", {"id": message.pk})
        if message.user_id != user.pk:
            _log(
                session.event,
                user,
                "chat.delete",
                session=session,
                target=message.user,
                detail={"message": message.pk, "text": message.text},
            )
    return message


def ask_question(*, user, session, text, client_id):
    text = _clean_text(text, code="question.too_long")
    existing = Question.objects.filter(session=session, user=user, client_id=client_id).first()
    if existing is not None:
        return existing, False
    _check_may_write(user, session)
    if session.state == Session.State.CANCELLED:
        raise LiveError(_("This session has been cancelled."), code="session.cancelled")
    _check_rate(user, "question")
    with transaction.atomic():
        question = Question.objects.create(
            session=session, user=user, text=text, client_id=client_id
        )
        emit(session_topic(session), "question.new", question_data(question))
    return question, True


def upvote_question(*, user, question):
    """One upvote per user; pushes ``question.updated`` with the new count."""
    session = question.session
    _check_may_write(user, session)
    if question.state == Question.State.HIDDEN:
        raise LiveError(_("This question is hidden."), code="not_found")
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, user=user)
            Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
            question.refresh_from_db(fields=["votes"])
            emit(session_topic(session), "question.updated", question_data(question))
    except IntegrityError:
        raise LiveError(
            _("You have already voted for this question."), code="already_voted"
        ) from None
    return question


def set_question_state(*, user, question, state):
    """Moderators mark a question answered or hide it."""
    session = question.session
    require(user, "congress.moderate_session", session)
    with transaction.atomic():
        question.state = state
        question.save(update_fields=["state"])
        emit(session_topic(session), "question.updated", question_data(question))
        if state == Question.State.HIDDEN:
            _log(
                session.event,
                user,
                "question.hide",
                session=session,
                target=question.user,
                detail={"question": question.pk, "text": question.text},
            )
    return question


def create_poll(*, user, session, question, options):
    require(user, "congress.moderate_session", session)
    cleaned = [option.strip() for option in options if option.strip()]
    if not 2 <= len(cleaned) <= 10:
        raise LiveError(_("A poll needs 2 to 10 answers."), field="options")
    with transaction.atomic():
        poll = Poll.objects.create(session=session, question=question.strip(), created_by=user)
        PollOption.objects.bulk_create(
            PollOption(poll=poll, text=text, position=index) for index, text in enumerate(cleaned)
        )
    return poll


def set_poll_state(*, user, poll, state):
    """Open (draft → open) or close (open → closed) a poll; pushes ``poll.opened``/``poll.closed``."""
    require(user, "congress.moderate_session", poll.session)
    allowed = {Poll.State.OPEN: Poll.State.DRAFT, Poll.State.CLOSED: Poll.State.OPEN}
    if poll.state != allowed[state]:
        raise LiveError(
            _("The poll is %(state)s.") % {"state": poll.get_state_display()}, code="poll.state"
        )
    with transaction.atomic():
        poll.state = state
        poll.save(update_fields=["state"])
        kind = "poll.opened" if state == Poll.State.OPEN else "poll.closed"
        emit(session_topic(poll.session), kind, poll_data(poll))
    return poll


def vote_in_poll(*, user, poll, option_id):
    """One vote per user while the poll is open. Results are pushed aggregated, not per vote."""
    _check_may_write(user, poll.session)
    if poll.state != Poll.State.OPEN:
        raise LiveError(_("The poll is not open."), code="poll.closed")
    option = poll.options.filter(pk=option_id).first()
    if option is None:
        raise LiveError(_("No such answer in this poll."), code="invalid", field="option")
    try:
        with transaction.atomic():
            PollVote.objects.create(poll=poll, option=option, user=user)
    except IntegrityError:
        raise LiveError(_("You have already voted in this poll."), code="already_voted") from None
    return option


def publish_poll_results(poll_id):
    poll = Poll.objects.prefetch_related("options").get(pk=poll_id)
    data = poll_data(poll)
    bus.publish(f"session:{poll.session_id}", "poll.results", data)
    return data


def mute_user(*, user, session, target, minutes=None):
    require(user, "congress.moderate_session", session)
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    with transaction.atomic():
        Mute.objects.update_or_create(
            session=session, user=target, defaults={"until": until, "created_by": user}
        )
        _log(
            session.event,
            user,
            "mute",
            session=session,
            target=target,
            detail={"until": until.isoformat() if until else None},
        )
    transaction.on_commit(
        lambda: bus.publish(
            f"user:{target.pk}",
            "moderation.muted",
            {"session": session.pk, "until": until.isoformat() if until else None},
        )
    )


def unmute_user(*, user, session, target):
    require(user, "congress.moderate_session", session)
    with transaction.atomic():
        Mute.objects.filter(session=session, user=target).delete()
        _log(session.event, user, "unmute", session=session, target=target)
    bus.publish(f"user:{target.pk}", "moderation.unmuted", {"session": session.pk})


def ban_user(*, user, event, target, reason=""):
    """Shut a user out of the event's live features and close their sockets."""
    require(user, "congress.ban", event)
    if target == user:
        raise LiveError(_("You cannot ban yourself."), field="user")
    with transaction.atomic():
        Ban.objects.update_or_create(
            event=event, user=target, defaults={"reason": reason, "created_by": user}
        )
        _log(event, user, "ban", target=target, detail={"reason": reason})
    transaction.on_commit(
        lambda: bus.close_user_sockets(target.pk, reason="banned", event=event.slug)
    )


def unban_user(*, user, event, target):
    require(user, "congress.ban", event)
    with transaction.atomic():
        Ban.objects.filter(event=event, user=target).delete()
        _log(event, user, "unban", target=target)


def _log(event, actor, action, *, session=None, target=None, detail=None):
    ModerationLog.objects.create(
        event=event,
        actor=actor,
        action=action,
        session=session,
        target_user=target,
        detail=detail or {},
    )
