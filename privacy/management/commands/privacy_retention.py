"""Run the daily retention job now (cron or a systemd timer calls this once a day)."""

from django.core.management.base import BaseCommand

from privacy.tasks import retention_task


class Command(BaseCommand):
    help = "Warn organizers of coming erasures, erase due events' personal data, drop old archives."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue for the worker instead.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            retention_task.enqueue()
            self.stdout.write("queued")
            return
        result = retention_task.call()
        self.stdout.write(str(result))
