"""Sending the mail of one notification, exactly once per row (conditional state updates)."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.utils import timezone

from treffpunkt import notify

from .mail import build_notification_mail
from .models import Channel, Notification
from .services import channel_for

logger = logging.getLogger(__name__)
State = Notification.MailState


def _finish(notification_id, state, **extra):
    Notification.objects.filter(pk=notification_id).update(mail_state=state, **extra)
    return str(state)


def mail_notification(notification_id, *, require_away=False):
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.mail_state != State.QUEUED:
        return "gone"
    if notification.read_at is not None:
        return _finish(notification_id, State.SKIPPED)
    if channel_for(notification.user_id, notification.kind) != Channel.MAIL:
        return _finish(notification_id, State.SKIPPED)
    if require_away and notify.is_online(notification.user_id):
        return _finish(notification_id, State.SKIPPED)
    user = get_user_model().objects.select_related("preferences").get(pk=notification.user_id)
    if not user.email or not user.is_active:
        return _finish(notification_id, State.SKIPPED)
    claimed = Notification.objects.filter(pk=notification_id, mail_state=State.QUEUED).update(
        mail_state=State.SENDING
    )
    if not claimed:
        return "gone"
    notification.refresh_from_db()
    message = build_notification_mail(notification, user)
    try:
        message.connection = get_connection()
        message.send()
    except Exception:
        logger.exception("mail of notification %s failed", notification_id)
        return _finish(notification_id, State.FAILED)
    return _finish(notification_id, State.SENT, mailed_at=timezone.now())
