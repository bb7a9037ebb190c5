"""Mailing an announcement to its audience: in batches, at most once per person, resumable.

1. ``start_announcement_mail`` (congress calls it after commit) queues ``prepare``.
2. ``prepare`` writes one :class:`AnnouncementRecipient` per person of the audience
   (``ignore_conflicts``: running it again adds no one twice), records the total on the
   announcement and queues batches of the still-pending recipients.
3. ``send_batch`` claims each pending recipient (``pending → sending``, a conditional update
   committed before the mail goes out, so two jobs never send to the same row), checks the
   person's choice once more, sends over one SMTP connection and marks it ``sent`` or ``failed``;
   progress goes to the announcement (``mail_total`` / ``sent`` / ``failed`` / ``unsure``, counted
   from the rows every 10 mails and after each batch).

A worker stopped with SIGTERM finishes its batch; queued batches wait in the database for the next
worker. A worker killed outright (SIGKILL, a crash, the machine going down) leaves its batch's
jobs marked running: ``resume_stalled`` (run by ``manage.py notify_tick`` every minute) queues the
pending rows again after ``NOTIFY_STALL_SECONDS`` (120) without progress. The row the kill caught
in ``sending`` may or may not have reached the SMTP server; it becomes ``unsure`` and is not sent
again by itself — the organizer sees the count and may mail those people again deliberately
(:func:`start_announcement_mail` with ``resend``). So nobody gets two mails unless an organizer
chooses it.
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

from .mail import build_announcement_mail
from .models import AnnouncementRecipient, Channel
from .services import channel_for

logger = logging.getLogger(__name__)
BATCH_SIZE = 50
PROGRESS_EVERY = 10
State = AnnouncementRecipient.State


def start_announcement_mail(announcement_id, *, resend=()):
    """Queue the mailing of an announcement; with ``resend`` (``"failed"``, ``"unsure"``) mail the
    people in those states again instead (an organizer's choice) and nobody else."""
    from .tasks import prepare_announcement_mail

    if resend:
        states = [state for state in (State.FAILED, State.UNSURE) if state in resend]
        AnnouncementRecipient.objects.filter(
            announcement_id=announcement_id, state__in=states
        ).update(state=State.PENDING)
        record_progress(announcement_id)
        queue_pending(announcement_id)
        return
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
        unsure=states.get(State.UNSURE, 0),
    )


def queue_pending(announcement_id):
    from .tasks import send_announcement_batch

    ids = list(
        AnnouncementRecipient.objects.filter(announcement_id=announcement_id, state=State.PENDING)
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
    sent = failed = 0
    connection = get_connection()
    try:
        for recipient in AnnouncementRecipient.objects.filter(
            pk__in=recipient_ids, state=State.PENDING
        ).order_by("pk"):
            attempt = recipient.attempts + 1
            # Committed before the mail goes out (the worker runs without a transaction), so a
            # kill after this line leaves "sending", never "pending": the row is not sent twice.
            # ``attempts`` in the condition: of two jobs that read the same row, one claims it.
            claimed = AnnouncementRecipient.objects.filter(
                pk=recipient.pk, state=State.PENDING, attempts=recipient.attempts
            ).update(state=State.SENDING, attempts=attempt, claimed_at=timezone.now())
            if not claimed:
                continue
            mine = AnnouncementRecipient.objects.filter(pk=recipient.pk, attempts=attempt)
            user = users.get(recipient.user_id)
            # The choice is read per person right before sending: turning mail off (or
            # withdrawing the consent) stops it at once, even in the middle of a batch.
            if (
                user is None
                or not user.email
                or not user.is_active
                or channel_for(user.pk, "announcement") != Channel.MAIL
            ):
                mine.update(state=State.SKIPPED)
                continue
            try:
                message = build_announcement_mail(announcement, user)
                message.connection = connection
                message.send()
            except Exception:
                logger.exception("announcement %s to %s failed", announcement_id, user.pk)
                mine.update(state=State.FAILED)
                failed += 1
                connection.close()
                connection = get_connection()
                continue
            # Also from "unsure": a slow worker taken for dead still records what it did.
            mine.update(state=State.SENT, sent_at=timezone.now())
            sent += 1
            if sent % PROGRESS_EVERY == 0:
                record_progress(announcement_id)
    finally:
        connection.close()
        record_progress(announcement_id)
    return {"sent": sent, "failed": failed}


def resume_stalled(*, now=None):
    """Queue again the pending rows of mailings that made no progress for a while (a killed
    worker), and mark the rows it left ``sending`` as ``unsure``; returns how many rows were
    queued."""
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
        unsure = AnnouncementRecipient.objects.filter(
            announcement_id=announcement_id, state=State.SENDING
        ).update(state=State.UNSURE)
        if unsure:
            logger.warning(
                "announcement %s: %d mail(s) of a stopped worker may or may not have been sent",
                announcement_id,
                unsure,
            )
        record_progress(announcement_id)
        queued += queue_pending(announcement_id)
    return queued
