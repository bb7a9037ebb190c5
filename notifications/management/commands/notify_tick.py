"""The scheduled part of notifications: reminders, cancellation notices, stalled mailings and
invitations.

django-tasks has no cron, so this command is the clock: ``make run`` and docker-compose run
``manage.py notify_tick --every 60``; one run without ``--every`` does one round (tests, cron).
"""

import time

from django.core.management.base import BaseCommand

from accounts.services import resume_stalled_invitations
from notifications.announcements import resume_stalled
from notifications.reminders import send_cancellation_notices, send_due_reminders


class Command(BaseCommand):
    help = (
        "Send due session reminders and cancellation notices; resume stalled mailings and "
        "invitations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, every=0, **options):
        while True:
            reminders = send_due_reminders()
            notices = send_cancellation_notices()
            resumed = resume_stalled()
            invitations = resume_stalled_invitations()
            if (
                options["verbosity"] > 1
                or reminders
                or notices
                or resumed
                or any(invitations.values())
            ):
                self.stdout.write(
                    f"reminders {reminders}, cancellation notices {notices}, resumed {resumed}, "
                    f"invitations queued again {invitations['queued']}, "
                    f"unsure {invitations['unsure']}"
                )
            if not every:
                return
            time.sleep(every)
