"""Access rules of the congress: one predicate per permission, used by REST and realtime alike."""

import contextlib

from django.db import connection

from treffpunkt.access import rule
from treffpunkt.db.rows import (
    NOT_READ,
    datetime_value,
    each_of,
    prefetched,
    reading_shared,
    remember,
)

from .models import Registration

_CACHE_ATTRIBUTE = "_treffpunkt_roles"
_PRIMED_ATTRIBUTE = "_treffpunkt_primed"
_UNKNOWN = NOT_PRIMED = object()


def _primed(user, key):
    return getattr(user, _PRIMED_ATTRIBUTE, {}).get(key, _UNKNOWN)


@contextlib.contextmanager
def primed(user, session):
    """Within the block, what the rules ask about ``user`` and ``session`` comes from one query:
    the role at the event, a ban from it, speaking at the session, a mute in it.

    For a subscribe, which asks all of them (some twice): one query instead of five. Outside the
    block every rule asks the database again, as before.
    """
    if user is None or not user.is_authenticated:
        yield
        return
    row = _primed_row(user.pk, session)
    if row is None:
        yield
        return
    roles = getattr(user, _CACHE_ATTRIBUTE, None)
    if roles is None:
        roles = {}
        setattr(user, _CACHE_ATTRIBUTE, roles)
    role, banned, speaks, muted, until = row
    roles.setdefault(session.event_id, role)
    setattr(
        user,
        _PRIMED_ATTRIBUTE,
        {
            ("banned", session.event_id): bool(banned),
            ("speaks", session.pk): bool(speaks),
            ("mute", session.pk): (datetime_value(until),) if muted else None,
        },
    )
    try:
        yield
    finally:
        with contextlib.suppress(AttributeError):
            delattr(user, _PRIMED_ATTRIBUTE)


_PRIMED_SQL = {}


def _primed_sql(batched=False):
    """The statement of :func:`primed`, written once from the models' tables; ``batched``: the
    same for many users, one row each, led by the user's id (:func:`prefetch_primed`).

    Plain SQL because the ORM's version (five subqueries, annotated) cost more to build and
    compile than to run: about a fifth of a reconnect's CPU (py-spy, benchmarks/reconnect_storm.py).
    """
    from .models import Ban, Mute, Session

    sql = _PRIMED_SQL.get((connection.vendor, batched))
    if sql is None:
        quote = connection.ops.quote_name
        through = Session.speakers.through
        speaker_model = Session.speakers.field.related_model

        def table(model):
            return quote(model._meta.db_table)

        def column(model, name):
            return quote(model._meta.get_field(name).column)

        m2m_session = column(through, Session.speakers.field.m2m_field_name())
        m2m_speaker = column(through, Session.speakers.field.m2m_reverse_field_name())
        user = "v.column1" if batched else "%s"  # the FROM item's column (rows.each_of)
        sql = (
            f"(SELECT {column(Registration, 'role')} FROM {table(Registration)}"  # noqa: S608 (names are ours)
            f" WHERE {column(Registration, 'event')} = %s AND {column(Registration, 'user')} = {user}"
            " LIMIT 1),"
            f" EXISTS (SELECT 1 FROM {table(Ban)}"
            f" WHERE {column(Ban, 'event')} = %s AND {column(Ban, 'user')} = {user}),"
            f" EXISTS (SELECT 1 FROM {table(through)} INNER JOIN {table(speaker_model)}"
            f" ON {table(speaker_model)}.{quote(speaker_model._meta.pk.column)}"
            f" = {table(through)}.{m2m_speaker}"
            f" WHERE {table(through)}.{m2m_session} = %s"
            f" AND {table(speaker_model)}.{column(speaker_model, 'user')} = {user}),"
            f" EXISTS (SELECT 1 FROM {table(Mute)}"
            f" WHERE {column(Mute, 'session')} = %s AND {column(Mute, 'user')} = {user}),"
            f" (SELECT {column(Mute, 'until')} FROM {table(Mute)}"
            f" WHERE {column(Mute, 'session')} = %s AND {column(Mute, 'user')} = {user} LIMIT 1)"
        )
        head, tail = ("SELECT v.column1, ", " FROM {users}") if batched else ("SELECT ", "")
        sql = head + sql + tail
        _PRIMED_SQL[(connection.vendor, batched)] = sql
    return sql


def _primed_key(user_id, session):
    return ("congress.primed", user_id, session.pk)


def _primed_row(user_id, session):
    """(role, banned, speaks, muted, mute's until) of the user at the session and its event."""
    row = prefetched(_primed_key(user_id, session))
    if row is not NOT_READ:
        return row
    event_id = session.event_id
    params = [event_id, user_id, event_id, user_id] + [session.pk, user_id] * 3
    with connection.cursor() as cursor:
        cursor.execute(_primed_sql(), params)
        return cursor.fetchone()


def prefetch_primed(user_ids, session):
    """Within ``shared_reads``: :func:`primed`'s row for each of ``user_ids`` at ``session``, in
    one query; each later :func:`primed` of one of them in the block takes it. For the
    subscribes of one shared trip (``congress.live``): one round trip instead of one each."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids or not reading_shared():
        return
    users, user_params = each_of(connection, user_ids)
    sql = _primed_sql(batched=True).replace("{users}", users)
    params = [session.event_id, session.event_id, session.pk, session.pk, session.pk, *user_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    for user_id in user_ids:
        if user_id in rows:
            remember(_primed_key(user_id, session), rows[user_id])


def primed_mute(user, session):
    """Within :func:`primed`: ``None`` (no mute) or ``(until,)``; else ``NOT_PRIMED``."""
    return _primed(user, ("mute", session.pk))


def role_for(user, event):
    """The user's role at the event, or None. Cached on the user object for one request/socket."""
    if user is None or not user.is_authenticated:
        return None
    roles = getattr(user, _CACHE_ATTRIBUTE, None)
    if roles is None:
        roles = {}
        setattr(user, _CACHE_ATTRIBUTE, roles)
    if event.pk not in roles:
        roles[event.pk] = (
            Registration.objects.filter(event=event, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return roles[event.pk]


def forget_roles(user):
    """Drop the cached roles, after a registration of this user changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def is_organizer(user, event):
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or role_for(user, event) == Registration.Role.ORGANIZER


def is_registered(user, event):
    return is_organizer(user, event) or role_for(user, event) is not None


def speaks_at(user, session):
    if user is None or not user.is_authenticated:
        return False
    known = _primed(user, ("speaks", session.pk))
    if known is not _UNKNOWN:
        return known
    return session.speakers.filter(user=user).exists()


@rule("congress.add_event")
def can_add_event(user, _obj):
    return bool(user and user.is_authenticated and user.is_staff)


@rule("congress.view_event")
def can_view_event(user, event):
    return event.is_published or is_organizer(user, event)


@rule("congress.change_event")
def can_change_event(user, event):
    return is_organizer(user, event)


@rule("congress.change_programme")
def can_change_programme(user, event):
    return is_organizer(user, event)


@rule("congress.view_registrations")
def can_view_registrations(user, event):
    return is_organizer(user, event)


@rule("congress.register")
def can_register(user, event):
    return bool(user and user.is_authenticated) and can_view_event(user, event)


@rule("congress.keep_agenda")
def can_keep_agenda(user, event):
    return bool(user and user.is_authenticated) and can_view_event(user, event)


@rule("congress.change_session_state")
def can_change_session_state(user, session):
    """Organizers and the session's own speakers start and end a session."""
    return is_organizer(user, session.event) or speaks_at(user, session)


@rule("congress.moderate_session")
def can_moderate_session(user, session):
    return is_organizer(user, session.event) or speaks_at(user, session)


def is_banned(user, event):
    if user is None or not user.is_authenticated:
        return False
    known = _primed(user, ("banned", event.pk))
    if known is not _UNKNOWN:
        return known
    from .models import Ban

    return Ban.objects.filter(event=event, user=user).exists()


@rule("congress.follow_event")
def can_follow_event(user, event):
    """Subscribe to the event's live topic (programme changes, announcements)."""
    return can_view_event(user, event) and not is_banned(user, event)


@rule("congress.watch_session")
def can_watch_session(user, session):
    """Subscribe to a session's live topic: anyone who may see the programme, unless banned."""
    return can_follow_event(user, session.event)


@rule("congress.take_part")
def can_take_part(user, session):
    """Chat, ask, vote and react: registered for the event and not banned."""
    return is_registered(user, session.event) and not is_banned(user, session.event)


@rule("congress.ban")
def can_ban(user, event):
    return is_organizer(user, event)


@rule("congress.view_moderation_log")
def can_view_moderation_log(user, event):
    return is_organizer(user, event)
