"""Mailing an announcement to its audience: in batches, once per person, resumable.

1. ``start_announcement_mail`` (congress calls it after commit) queues ``prepare``.
2. ``prepare`` writes one :class:`AnnouncementRecipient` per person of the audience
   (``ignore_conflicts``: running it again adds no one twice), records the total on the
   announcement and queues batches of the still-pending recipients.
3. ``send_batch`` claims each recipient (``pending → sending``, a conditional update, so two jobs
   never send to the same row), sends over one SMTP connection and marks it ``sent`` or
   ``failed``; progress goes to the announcement (``mail_total`` / ``mail_sent`` / ``mail_failed``, counted
   from the rows every 10 mails and after each batch).

A worker stopped with SIGTERM finishes its batch; queued batches wait in the database for the next
worker. A worker killed outright leaves its batch's jobs marked running: ``resume_stalled`` (run by
``manage.py notify_tick`` every minute) queues the pending rows again after
``NOTIFY_STALL_SECONDS`` (120) without progress, and a row left ``sending`` by the kill is sent
again — the one mail that was in flight may arrive twice, none is lost.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db.models import Count, Max
from django.utils import timezone

from congress.announcements import audience_user_ids, record_announcement_mail
from congress.models import Announcement

from .kinds import KINDS
from .mail import build_announcement_mail
from .models import AnnouncementRecipient, Channel, Preference

logger = logging.getLogger(__name__)
BATCH_SIZE = 50
PROGRESS_EVERY = 10
State = AnnouncementRecipient.State


def start_announcement_mail(announcement_id):
    from .tasks import prepare_announcement_mail

    prepare_announcement_mail.enqueue(announcement_id)


def prepare(announcement_id):
    announcement = Announcement.objects.filter(pk=announcement_id, send_mail=True).first()
    if announcement is None:
        return 0
    AnnouncementRecipient.objects.bulk_create(
        [
            AnnouncementRecipient(announcement_id=announcement_id, user_id=user_id)
            for user_id in audience_user_ids(announcement)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    record_progress(announcement_id)
    return queue_pending(announcement_id)


def record_progress(announcement_id):
    """Count the rows by state and show it on the announcement (absolute, so a killed batch's
    counts are right again at the next record)."""
    states = dict(
        AnnouncementRecipient.objects.filter(announcement_id=announcement_id)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    record_announcement_mail(
        announcement_id,
        total=sum(states.values()),
        sent=states.get(State.SENT, 0),
        failed=states.get(State.FAILED, 0),
    )


def queue_pending(announcement_id, *, states=(State.PENDING,)):
    from .tasks import send_announcement_batch

    ids = list(
        AnnouncementRecipient.objects.filter(announcement_id=announcement_id, state__in=states)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH_SIZE):
        send_announcement_batch.enqueue(announcement_id, ids[start : start + BATCH_SIZE])
    return len(ids)


def send_batch(announcement_id, recipient_ids):
    announcement = Announcement.objects.select_related("event").filter(pk=announcement_id).first()
    if announcement is None:
        return {"sent": 0, "failed": 0}
    users = (
        get_user_model()
        .objects.select_related("preferences")
        .in_bulk(
            AnnouncementRecipient.objects.filter(pk__in=recipient_ids).values_list(
                "user_id", flat=True
            )
        )
    )
    # One query for the batch's choices instead of one per person.
    chosen = dict(
        Preference.objects.filter(user_id__in=list(users), kind="announcement").values_list(
            "user_id", "channel"
        )
    )
    default = KINDS["announcement"].default
    sent = failed = 0
    connection = get_connection()
    try:
        for recipient in AnnouncementRecipient.objects.filter(pk__in=recipient_ids).order_by("pk"):
            if recipient.state not in (State.PENDING, State.SENDING):
                continue
            # attempts in the condition: of two jobs that read the same row, one claims it.
            claimed = AnnouncementRecipient.objects.filter(
                pk=recipient.pk, state=recipient.state, attempts=recipient.attempts
            ).update(
                state=State.SENDING,
                attempts=recipient.attempts + 1,
                claimed_at=timezone.now(),
            )
            if not claimed:
                continue
            user = users.get(recipient.user_id)
            if user is None or not user.email or chosen.get(user.pk, default) != Channel.MAIL:
                AnnouncementRecipient.objects.filter(pk=recipient.pk).update(state=State.SKIPPED)
                continue
            try:
                message = build_announcement_mail(announcement, user)
                message.connection = connection
                message.send()
            except Exception:
                logger.exception("announcement %s to %s failed", announcement_id, user.pk)
                AnnouncementRecipient.objects.filter(pk=recipient.pk).update(state=State.FAILED)
                failed += 1
                connection.close()
                connection = get_connection()
                continue
            AnnouncementRecipient.objects.filter(pk=recipient.pk).update(
                state=State.SENT, sent_at=timezone.now()
            )
            sent += 1
            if sent % PROGRESS_EVERY == 0:
                record_progress(announcement_id)
    finally:
        connection.close()
        record_progress(announcement_id)
    return {"sent": sent, "failed": failed}


def resume_stalled(*, now=None):
    """Queue again the unsent rows of mailings that made no progress for a while (a killed
    worker); returns how many rows were queued."""
    now = now or timezone.now()
    stall = timedelta(seconds=getattr(settings, "NOTIFY_STALL_SECONDS", 120))
    queued = 0
    open_mailings = (
        AnnouncementRecipient.objects.filter(state__in=[State.PENDING, State.SENDING])
        .values("announcement_id")
        .annotate(last_claim=Max("claimed_at"))
    )
    for row in open_mailings:
        announcement_id = row["announcement_id"]
        progress = AnnouncementRecipient.objects.filter(announcement_id=announcement_id).aggregate(
            claimed=Max("claimed_at"), sent=Max("sent_at")
        )
        moments = [moment for moment in progress.values() if moment is not None]
        if not moments:
            moments = list(
                Announcement.objects.filter(pk=announcement_id).values_list("updated_at", flat=True)
            )
        if moments and max(moments) > now - stall:
            continue
        record_progress(announcement_id)
        queued += queue_pending(announcement_id, states=(State.PENDING, State.SENDING))
    return queued
