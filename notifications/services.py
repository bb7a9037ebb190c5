"""Delivering notifications: store, push on ``user:<id>``, mail when the person is away.

:func:`deliver` is what :func:`treffpunkt.notify.notify` calls (installed at ``ready()``):

1. the person's channel for the kind (:func:`channel_for`): ``off`` → nothing is stored or sent;
2. the notification is stored (or folded into the unread one of its ``group``);
3. after commit ``notification.new`` is pushed on ``user:<id>`` with the unread count;
4. with channel ``mail``, a mail job is queued after commit: at once when the person has no open
   socket, else after ``NOTIFY_MAIL_AFTER`` seconds (default 600), when it mails only if the
   notification is still unread and the person is still away. A group (conversation digest) is
   mailed at most once per ``NOTIFY_DIGEST_SECONDS`` (default 3600).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from accounts.models import Consent
from treffpunkt import notify as notify_module
from treffpunkt import privacy
from treffpunkt.db.rows import any_of
from treffpunkt.realtime import bus

from .kinds import KINDS, detail, title
from .models import Channel, Notification, Preference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def mail_after():
    return timedelta(seconds=getattr(settings, "NOTIFY_MAIL_AFTER", 600))


def digest_every():
    return timedelta(seconds=getattr(settings, "NOTIFY_DIGEST_SECONDS", 3600))


# --- preferences --------------------------------------------------------------------------------


def channel_for(user_id, kind):
    chosen = Preference.objects.filter(user_id=user_id, kind=kind).values_list("channel", flat=True)
    chosen = chosen.first()
    if chosen:
        return chosen
    return KINDS[kind].default if kind in KINDS else Channel.LIVE


def preferences_for(user):
    """``[{"kind", "label", "channel", "default"}]`` for every kind, in the active language."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return [
        {
            "kind": kind.name,
            "label": str(kind.label),
            "channel": chosen.get(kind.name, kind.default),
            "default": str(kind.default),
        }
        for kind in KINDS.values()
    ]


MAIL_CONSENT = "mail_notifications"

DEFAULT_MAIL_CONSENT = privacy.consent_default(
    MAIL_CONSENT,
    gettext_noop(
        "By choosing “Live and mail” for a kind, you agree that Treffpunkt e-mails you about it at "
        "the address of your account (for most kinds only while you are not online). The mail says "
        "what happened, never the text of a message. You can withdraw at any time with immediate "
        "effect: here, with the unsubscribe link in every mail, or under “My data”."
    ),
)


def mail_consent_text(event=None, language=None):
    """``{"version", "text"}`` people consent to when they choose mail: the organizers' text of
    ``event`` in ``language`` (privacy/ keeps them), else the platform's own (version
    ``default``)."""
    return privacy.current_consent_text(event=event, document=MAIL_CONSENT, language=language)


def set_preferences(user, choices, *, event=None, method):
    """Set ``{kind: channel}`` for ``user``; the one place mail choices change (REST, the web
    page, the unsubscribe link and a withdrawal under “Meine Daten” all call it).

    A kind that becomes ``mail`` records the person's consent to mail notifications for it
    (``Consent`` ``mail_notifications``, scope ``kind:<kind>``, the version of
    :func:`mail_consent_text` for ``event``, ``how`` = ``method``); a kind that stops being
    ``mail`` withdraws every active consent for it. Mail already queued checks the channel
    again right before it is sent, so a withdrawal stops it at once.
    Raises ValueError for an unknown kind or channel, before any change.
    """
    for kind, channel in choices.items():
        if kind not in KINDS or channel not in Channel.values:
            raise ValueError(kind)
    before = {item["kind"]: item["channel"] for item in preferences_for(user)}
    consent = None
    with transaction.atomic():
        for kind, channel in choices.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
            if channel == before[kind]:
                continue
            if channel == Channel.MAIL:
                consent = consent or mail_consent_text(event)
                privacy.record_consent(
                    user=user,
                    event=event,
                    document=MAIL_CONSENT,
                    scope=f"kind:{kind}",
                    given=True,
                    method=method,
                    version=consent["version"],
                )
            elif before[kind] == Channel.MAIL:
                _withdraw_mail_consent(user, kind, method)


def _withdraw_mail_consent(user, kind, method):
    scope = f"kind:{kind}"
    given_at = (
        Consent.objects.filter(user=user, document=MAIL_CONSENT, scope=scope, withdrawn_at=None)
        .values_list("event", flat=True)
        .distinct()
    )
    for event_id in list(given_at):
        privacy.record_consent(
            user=user,
            event=event_id,
            document=MAIL_CONSENT,
            scope=scope,
            given=False,
            method=method,
        )


def unsubscribe_token(user_id, kind):
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """``(user_id, kind)``; raises signing.BadSignature for a forged or mangled token."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if data.get("k") not in KINDS:
        raise signing.BadSignature("unknown kind")
    return int(data["u"]), data["k"]


def unsubscribe(token):
    """Turn mail of the token's kind off for its person: ``mail`` becomes ``live`` (a withdrawal
    of the consent, recorded); returns ``(user_id, kind)``. Raises signing.BadSignature."""
    from django.contrib.auth import get_user_model

    user_id, kind = read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None and channel_for(user_id, kind) == Channel.MAIL:
        set_preferences(user, {kind: Channel.LIVE}, method="mail: unsubscribe link")
    return user_id, kind


def withdraw_mail_consent(user, event, scope):
    """“Meine Daten”: withdrawing a mail-notification consent turns that kind's mail off now."""
    kind = scope.removeprefix("kind:")
    if kind in KINDS and channel_for(user.pk, kind) == Channel.MAIL:
        set_preferences(user, {kind: Channel.LIVE}, method="web: Meine Daten")


# --- the centre ---------------------------------------------------------------------------------


def notification_data(notification, *, language=None):
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": title(notification.kind, notification.data, notification.count, language[:2]),
        "detail": detail(notification.kind, notification.data),
        "count": notification.count,
        "data": notification.data,
        "created_at": notification.created_at.isoformat(),
        "updated_at": notification.updated_at.isoformat(),
        "read": notification.read_at is not None,
    }


def unread_counts(user_ids):
    """``{user_id: unread}`` for ``user_ids`` (none missing), in one query written as SQL: every
    socket is told its count as it opens, and in a reconnect storm the ORM took longer to build
    the query than the database to run it (py-spy on benchmarks/reconnect_storm.py)."""
    ids = list(dict.fromkeys(user_ids))
    quote = connection.ops.quote_name
    table = quote(Notification._meta.db_table)
    user = quote(Notification._meta.get_field("user").column)
    read_at = quote(Notification._meta.get_field("read_at").column)
    matching, params = any_of(connection, ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {user}, COUNT(*) FROM {table} "  # noqa: S608 (names are ours)
            f"WHERE {read_at} IS NULL AND {user} {matching} GROUP BY {user}",
            params,
        )
        counts = dict(cursor.fetchall())
    return {user_id: counts.get(user_id, 0) for user_id in ids}


def unread_count(user_id):
    return unread_counts([user_id])[user_id]


def inbox_for(user):
    return Notification.objects.filter(user=user)


def mark_read(user, ids=None):
    """Mark the person's notifications ``ids`` (all when None) read; pushes the new count."""
    notifications = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    changed = notifications.update(read_at=timezone.now())
    count = unread_count(user.pk)
    if changed:
        bus.publish(f"user:{user.pk}", "notification.read", {"unread": count})
    return count


# --- delivery -----------------------------------------------------------------------------------


def deliver(user_id, kind, *, event=None, data, group=None, calendar=None):
    """Store, push and (maybe) mail one notification; see the module docstring."""
    channel = channel_for(user_id, kind)
    if channel == Channel.OFF:
        return None
    notification = None
    if group:
        notification = (
            Notification.objects.select_for_update()
            .filter(user_id=user_id, group=group, read_at__isnull=True)
            .exclude(mail_state__in=[Notification.MailState.SENDING, Notification.MailState.SENT])
            .first()
        )
    if notification is not None:
        Notification.objects.filter(pk=notification.pk).update(
            count=F("count") + 1, data=data, updated_at=timezone.now()
        )
        notification.refresh_from_db()
    else:
        notification = Notification.objects.create(
            user_id=user_id,
            kind=kind,
            event=event,
            data=data,
            group=group or "",
            calendar=calendar,
        )
    notification_id = notification.pk

    def after_commit():
        stored = Notification.objects.get(pk=notification_id)
        with translation.override(_language(user_id)):
            payload = {**notification_data(stored), "unread": unread_count(user_id)}
        bus.publish(f"user:{user_id}", "notification.new", payload)
        if channel == Channel.MAIL:
            schedule_mail(stored)

    transaction.on_commit(after_commit)
    return notification


def _language(user_id):
    from django.contrib.auth import get_user_model

    from accounts.mail import language_for

    user = get_user_model().objects.filter(pk=user_id).select_related("preferences").first()
    return language_for(user)


def schedule_mail(notification):
    """Queue the mail job of ``notification`` once (``"" → queued``); when is set out above."""
    from .tasks import send_notification_mail

    claimed = Notification.objects.filter(
        pk=notification.pk, mail_state=Notification.MailState.NONE
    ).update(mail_state=Notification.MailState.QUEUED)
    if not claimed:
        return
    now = timezone.now()
    run_after = None
    away = not notify_module.is_online(notification.user_id)
    if not away:
        run_after = now + mail_after()
    if notification.group:
        last = (
            Notification.objects.filter(
                user_id=notification.user_id, group=notification.group, mailed_at__isnull=False
            )
            .order_by("-mailed_at")
            .values_list("mailed_at", flat=True)
            .first()
        )
        if last is not None and last + digest_every() > (run_after or now):
            run_after = last + digest_every()
    job = send_notification_mail
    if run_after is not None:
        job = job.using(run_after=run_after)
    job.enqueue(notification.pk, require_away=run_after is not None)
