"""Background jobs of notifications, run by ``manage.py db_worker``."""

from django_tasks import task


@task()
def send_notification_mail(notification_id, require_away=False):
    """Mail one stored notification, unless read, turned off, or (``require_away``) the person
    is online now. Returns the final mail state."""
    from .delivery import mail_notification

    return mail_notification(notification_id, require_away=require_away)


@task()
def prepare_announcement_mail(announcement_id):
    """Write the announcement's recipients (once each) and queue their batches."""
    from .announcements import prepare

    return prepare(announcement_id)


@task()
def send_announcement_batch(announcement_id, recipient_ids):
    """Send one batch over one SMTP connection; each recipient is claimed before its mail."""
    from .announcements import send_batch

    return send_batch(announcement_id, recipient_ids)
