from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from congress.models import Registration
from matchmaking.models import MeetingSlot
from tests.accounts.smtp import smtp_server
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.matchmaking.factories import ProfileFactory


@pytest.fixture
def smtp(settings):
    """Mail goes over SMTP to a real server started for the test; yields its collector."""
    with smtp_server() as (collector, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield collector


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@pytest.fixture
def meeting_world(db):
    today = timezone.localdate()
    event = EventFactory(start_date=today, end_date=today + timedelta(days=1))
    start = event.starts_at + timedelta(days=1, hours=10)
    slot = MeetingSlot.objects.create(event=event, start=start, end=start + timedelta(minutes=30))
    people = []
    for name in ("anna", "ben"):
        user = UserFactory(username=name, first_name=name.title())
        RegistrationFactory(event=event, user=user, role=Registration.Role.ATTENDEE)
        ProfileFactory(event=event, user=user, is_visible=True)
        people.append(user)
    return event, slot, people
