"""No double booking under concurrency, and PostgreSQL's exclusion constraint as the last guard.

These run where the database is PostgreSQL (the second pass of .ci/run): SQLite serialises every
write transaction, so neither a race nor the constraint exists there.
"""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from congress.models import Registration
from matchmaking import meetings
from matchmaking.models import Meeting, MeetingHold, MeetingSlot
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from treffpunkt.errors import ConflictError

from .factories import ProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only; runs in the PostgreSQL pass of .ci/run")


@pytest.fixture
def world():
    today = timezone.localdate()
    event = EventFactory(start_date=today, end_date=today + timedelta(days=1))
    start = event.starts_at + timedelta(days=1, hours=10)
    slot = MeetingSlot.objects.create(event=event, start=start, end=start + timedelta(minutes=30))
    people = []
    for name in ("anna", "ben", "carla", "dora"):
        user = UserFactory(username=name)
        RegistrationFactory(event=event, user=user, role=Registration.Role.ATTENDEE)
        ProfileFactory(event=event, user=user, is_visible=True)
        people.append(user)
    return event, slot, people


def test_concurrent_requests_to_one_person_book_the_slot_once(world):
    event, slot, (anna, ben, carla, dora) = world
    barrier = threading.Barrier(3)
    outcomes = []

    def request(requester):
        try:
            barrier.wait(timeout=5)
            meetings.request_meeting(
                event, user=requester, invitee_id=ben.pk, start=slot.start, end=slot.end
            )
            outcomes.append("created")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(user,)) for user in (anna, carla, dora)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["conflict", "conflict", "created"]
    assert Meeting.objects.count() == 1
    assert MeetingHold.objects.filter(user=ben, active=True).count() == 1


def test_the_database_refuses_overlapping_active_holds(world):
    event, slot, (anna, ben, carla, _dora) = world
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    # Bypassing the services, as a buggy code path or a manual SQL change would.
    other = Meeting.objects.create(
        event=event, requester=carla, invitee=ben, start=slot.start, end=slot.end
    )

    with pytest.raises(IntegrityError, match="meeting_hold_no_overlap"), transaction.atomic():
        MeetingHold.objects.create(
            meeting=other,
            user=ben,
            start=slot.start + timedelta(minutes=15),
            end=slot.end + timedelta(minutes=15),
        )

    # Back to back, or inactive, is fine.
    MeetingHold.objects.create(
        meeting=other, user=ben, start=slot.end, end=slot.end + timedelta(minutes=30)
    )
    MeetingHold.objects.create(
        meeting=other, user=carla, start=slot.start, end=slot.end, active=False
    )
    assert MeetingHold.objects.filter(user=ben, active=True).count() == 2
