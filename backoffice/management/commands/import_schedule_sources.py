"""``manage.py import_schedule_sources``: import every stored schedule source (pretalx URL) once.

Run it from cron or a systemd timer (e.g. every 10 minutes) so the programme follows the planning
tool; an unchanged schedule changes nothing and pushes nothing.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from congress.models import Registration
from treffpunkt.errors import DomainError

from ...importing import import_from_source, summary_of
from ...models import ScheduleSource


class Command(BaseCommand):
    help = "Import the programme of every schedule source (Back office → Schedule sources)."

    def add_arguments(self, parser):
        parser.add_argument("--event", help="only this event's sources (slug)")

    def handle(self, *args, event=None, **options):
        sources = ScheduleSource.objects.select_related("event").order_by("pk")
        if event:
            sources = sources.filter(event__slug=event)
        failed = 0
        for source in sources:
            organizer = (
                get_user_model()
                .objects.filter(
                    registrations__event=source.event,
                    registrations__role=Registration.Role.ORGANIZER,
                )
                .order_by("pk")
                .first()
            )
            if organizer is None:
                self.stderr.write(f"{source.url}: the event has no organizer")
                failed += 1
                continue
            try:
                report = import_from_source(source, user=organizer)
            except DomainError as error:
                self.stderr.write(f"{source.url}: {error.message}")
                failed += 1
                continue
            summary = summary_of(report)
            self.stdout.write(
                f"{source.event.slug} {source.url}: {summary['created']} created, "
                f"{summary['updated']} updated, {summary['cancelled']} cancelled, "
                f"{summary['conflicts']} conflicts, {summary['refused']} refused"
            )
        if failed:
            raise SystemExit(1)
