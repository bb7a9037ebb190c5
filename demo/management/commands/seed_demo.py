"""``manage.py seed_demo [--if-empty]``: the demo congress "Digitale Städte – Digitale Regionen".

The demo is defined by the files in ``demo/data/`` and fixed random seeds, so every run leaves the
same programme, exhibitors, accounts and matchmaking behind; the planners in ``demo/congress.py``,
``demo/expo.py``, ``demo/matchmaking.py``, ``demo/conversations.py``, ``demo/accounts.py``,
``demo/accessibility.py``, ``demo/privacy.py``, ``demo/stage.py``, ``demo/announcements.py`` and
``demo/backoffice.py`` say how each part is written. A full run restores the demo event to that
definition. The event always runs today and tomorrow in Europe/Berlin; ``--if-empty`` leaves an existing demo alone except for moving it to today, keeping every
session's and meeting's local time relative to day one.
"""

import random
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from congress.models import Event, Registration
from demo import (
    accessibility,
    accounts,
    announcements,
    backoffice,
    congress,
    expo,
    matchmaking,
    privacy,
    stage,
)


class Command(BaseCommand):
    help = (
        "Create or restore the demo congress “Digitale Städte – Digitale Regionen”, running today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only move an existing demo congress to today; create nothing.",
        )

    def handle(self, *args, if_empty=False, **options):
        today = timezone.localdate(timezone=ZoneInfo(congress.TIMEZONE))
        event = Event.objects.filter(slug=congress.SLUG).first()
        if event is not None and if_empty:
            moved = congress.redate_event(event, today)
            when = f"{event.start_date:%d.%m.}–{event.end_date:%d.%m.%Y}"
            self.stdout.write(
                f"Demo-Kongress vorhanden ({'verschoben auf ' if moved else ''}{when}), "
                "nichts angelegt."
            )
            return
        with transaction.atomic():
            self.seed(today)
        congress.write_accounts(self.stdout)

    def seed(self, today):
        out = self.stdout
        rng = random.Random(congress.SEED)
        event = congress.seed_event(today, out)
        rooms = congress.seed_rooms(event, out)
        tracks = congress.seed_tracks(event, out)
        congress.seed_programme(event, rooms, tracks, rng, out)
        exhibitors = expo.seed_expo(event, out)
        people, users = congress.seed_people(event, rng, out)

        staff = next(account for account in congress.accounts() if account["booth"])
        expo.seed_booth_admin(
            exhibitors[staff["booth"]], member=users[staff["username"]], organizer=users["orga"]
        )
        speakers = {speaker.last_name: speaker for speaker in congress.speakers()}
        # Its own random generator, so changes to the other steps leave the matchmaking alone.
        matchmaking.seed_matchmaking(
            event,
            random.Random(f"{congress.SEED}:matchmaking"),
            out,
            people=[
                (name, first)
                for name, first, _last, role in people
                if role == Registration.Role.ATTENDEE
            ],
            speakers=[
                (
                    congress.speaker_username(index),
                    speakers[name].first_name,
                    speakers[name].organisation,
                    speakers[name].position,
                    speakers[name].track,
                )
                for index, name in enumerate(congress.speaker_accounts())
            ],
            exhibitors=[(booth["name"], booth["categories"]) for booth in expo.exhibitors()],
            provider_accounts=[(staff["username"], staff["first_name"], staff["booth"])],
        )
        congress.check_programme(event)
        Event.objects.filter(pk=event.pk).update(programme_version=F("programme_version") + 1)
        accounts.seed_invitations(
            event,
            organizer=users["orga"],
            booth=exhibitors[staff["booth"]],
            booth_admin=users[staff["username"]],
            out=out,
        )
        organizer = users["orga"]
        accessibility.seed_accessibility(event, rooms, organizer=organizer, out=out)
        privacy.seed_privacy(event, out)
        stage.seed_stage(event, out)
        announcements.seed_announcements(event, organizer=organizer, out=out)
        # Last: the release is the programme as seeded above.
        backoffice.seed_release(event, organizer=organizer, out=out)
