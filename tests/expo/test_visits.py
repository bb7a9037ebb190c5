"""Booth visits: counted per day and visitor from detail reads, shown as numbers only."""

from datetime import date

import pytest
from django.utils import timezone

from congress.models import Registration
from expo import services
from expo.models import BoothVisit, Lead
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def booth(event):
    return ExhibitorFactory(event=event)


@pytest.fixture
def staff(booth):
    user = UserFactory(username="stella")
    ExhibitorStaffFactory(exhibitor=booth, user=user)
    return user


def detail_url(booth):
    return f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/"


def test_detail_read_by_attendee_records_one_visit_per_day(booth, attendee, as_user):
    client = as_user(attendee)
    client.get(detail_url(booth))
    client.get(detail_url(booth))

    today = timezone.localdate(timezone=booth.event.tz)
    assert list(BoothVisit.objects.values_list("exhibitor", "user", "day")) == [
        (booth.pk, attendee.pk, today)
    ]


def test_anonymous_staff_organizer_and_list_reads_record_no_visit(
    booth, staff, api, as_user, attendee, organizer
):
    api.get(detail_url(booth))
    as_user(staff).get(detail_url(booth))
    as_user(organizer).get(detail_url(booth))
    as_user(attendee).get(f"/api/v1/events/{booth.event.slug}/exhibitors/")

    assert BoothVisit.objects.count() == 0


def test_stats_count_visits_per_day_and_unique_visitors_without_names(
    event, booth, staff, attendee, as_user
):
    bernd = UserFactory(username="bernd")
    RegistrationFactory(event=event, user=bernd, role=Registration.Role.ATTENDEE)
    first, second = date(2026, 6, 10), date(2026, 6, 11)
    for user, day in ((attendee, first), (bernd, first), (attendee, second), (attendee, first)):
        services.record_visit(booth, user=user, day=day)
    services.record_visit(ExhibitorFactory(event=event), user=bernd, day=second)
    Lead.objects.create(exhibitor=booth, user=bernd, consent=True, consented_at=timezone.now())

    response = as_user(staff).get(detail_url(booth) + "stats/")

    assert response.status_code == 200
    assert response.json() == {
        "visits_per_day": [
            {"day": "2026-06-10", "visits": 2},
            {"day": "2026-06-11", "visits": 1},
        ],
        "visits": 3,
        "unique_visitors": 2,
        "leads": 1,
        "contact_requests": 0,
    }
    assert b"anna" not in response.content and b"bernd" not in response.content
