"""Background jobs, run by `manage.py db_worker` (django-tasks, database backend)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

BATCH_SIZE = 100
MAX_ATTEMPTS = 5


@task()
def send_invitations(invitation_ids):
    """Send the invitation mails of ``invitation_ids`` over one connection.

    An invitation whose mail fails is marked failed (visible to organizers) and retried with
    backoff up to MAX_ATTEMPTS times, in a job of its own.
    """
    from .services import deliver_invitations

    failed = deliver_invitations(invitation_ids)
    retry = [invitation.pk for invitation in failed if invitation.attempts < MAX_ATTEMPTS]
    if retry:
        attempts = min(invitation.attempts for invitation in failed)
        delay = timedelta(seconds=getattr(settings, "INVITATION_RETRY_SECONDS", 60) * attempts)
        send_invitations.using(run_after=timezone.now() + delay).enqueue(retry)
    return {"sent": len(invitation_ids) - len(failed), "failed": len(failed)}


def enqueue_invitations(invitation_ids):
    """Queue the mails of ``invitation_ids`` in batches; call after the invitations committed."""
    ids = list(invitation_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        send_invitations.enqueue(ids[start : start + BATCH_SIZE])
