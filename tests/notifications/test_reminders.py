"""Session reminders follow a moved session; a cancelled one sends a notice instead."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from congress import services as congress_services
from congress.models import Favourite, Session
from notifications.models import Notification
from tests.factories import EventFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def event(db):
    today = timezone.localdate()
    return EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))


@pytest.fixture
def favourite(event, attendee, organizer):
    room = RoomFactory(event=event)
    now = timezone.now()
    session = SessionFactory(
        event=event, room=room, start=now + timedelta(hours=2), end=now + timedelta(hours=3)
    )
    Favourite.objects.create(user=attendee, session=session)
    return session


def tick():
    call_command("notify_tick", verbosity=0)


def kinds_of(user):
    return list(Notification.objects.filter(user=user).values_list("kind", "data__start"))


def test_a_reminder_comes_15_minutes_before_and_once(favourite, attendee):
    tick()
    assert kinds_of(attendee) == []

    favourite.start = timezone.now() + timedelta(minutes=14)
    favourite.end = favourite.start + timedelta(hours=1)
    favourite.save()
    tick()
    tick()

    assert kinds_of(attendee) == [("session.reminder", favourite.start.isoformat())]


def test_a_moved_session_moves_its_reminder(favourite, attendee, organizer):
    soon = timezone.now() + timedelta(minutes=10)
    congress_services.update_session(
        favourite, user=organizer, start=soon, end=soon + timedelta(minutes=45)
    )
    tick()
    assert kinds_of(attendee) == [("session.reminder", soon.isoformat())]

    # Moved again, after its reminder went out: a new one at the new time, none at the old.
    later = timezone.now() + timedelta(hours=1)
    congress_services.update_session(
        favourite, user=organizer, start=later, end=later + timedelta(minutes=45)
    )
    tick()
    assert len(kinds_of(attendee)) == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("notifications.reminders.timezone.now", lambda: later - timedelta(minutes=5))
        tick()
    assert sorted(kinds_of(attendee)) == [
        ("session.reminder", soon.isoformat()),
        ("session.reminder", later.isoformat()),
    ]


def test_a_cancelled_session_sends_a_notice_instead(favourite, attendee, organizer):
    congress_services.update_session(favourite, user=organizer, state=Session.State.CANCELLED)
    tick()
    soon = timezone.now() + timedelta(minutes=10)
    Session.objects.filter(pk=favourite.pk).update(start=soon, end=soon + timedelta(minutes=30))
    tick()

    assert [kind for kind, _start in kinds_of(attendee)] == ["session.cancelled"]
