"""``manage.py import_schedule <event slug> <file or URL> [--user orga] [--dry-run]``."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from congress.models import Event
from congress.permissions import is_organizer
from treffpunkt.errors import DomainError

from ...fetching import fetch_schedule
from ...formats import parse
from ...importing import import_programme, summary_of


class Command(BaseCommand):
    help = "Import a pretalx/frab schedule.json or schedule.xml (a file or a URL) into an event."

    def add_arguments(self, parser):
        parser.add_argument("event", help="the event's slug")
        parser.add_argument("source", help="a path or an http(s) URL")
        parser.add_argument(
            "--user", help="the organizer the changes are made as (default: the first organizer)"
        )
        parser.add_argument("--dry-run", action="store_true", help="report only, keep nothing")
        parser.add_argument("--json", action="store_true", help="print the whole report as JSON")

    def handle(self, *args, event, source, user=None, dry_run=False, **options):
        event = Event.objects.filter(slug=event).first()
        if event is None:
            raise CommandError("No such event.")
        users = get_user_model().objects.filter(
            registrations__event=event, registrations__role="organizer"
        )
        if user:
            users = get_user_model().objects.filter(username=user)
        organizer = users.order_by("pk").first()
        if organizer is None or not is_organizer(organizer, event):
            raise CommandError("Name an organizer of the event with --user.")
        try:
            if source.startswith(("http://", "https://")):
                data = fetch_schedule(source)
            else:
                data = Path(source).read_bytes()
            report = import_programme(
                event, parse(data), user=organizer, dry_run=dry_run, source=source
            )
        except (DomainError, OSError) as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        summary = summary_of(report)
        self.stdout.write(
            "{prefix}{created} created, {updated} updated, {unchanged} unchanged, "
            "{cancelled} cancelled, {conflicts} conflicts, {refused} refused".format(
                prefix="(dry run) " if dry_run else "", **summary
            )
        )
        for label, key in (("conflict", "conflicts"), ("refused", "refused")):
            for entry in report[key]:
                self.stdout.write(
                    f"  {label}: {entry['title']} ({entry['guid']}): {entry['message']}"
                )
        for warning in report["warnings"]:
            self.stdout.write(f"  warning: {warning}")
