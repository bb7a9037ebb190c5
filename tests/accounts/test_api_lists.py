"""The onboarding list endpoints cost the same number of queries for 1 and for 3 items."""

import pytest
from django.utils import timezone

from accounts.models import Invitation, RegistrationRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(event, count):
    for number in range(count):
        user = UserFactory(username=f"gast{number}")
        Invitation.objects.create(
            event=event, user=user, email=user.email, role="attendee",
            expires_at=timezone.now(),
        )  # fmt: skip


def request_registration(event, count):
    for number in range(count):
        RegistrationRequest.objects.create(event=event, user=UserFactory(username=f"frage{number}"))


@pytest.mark.parametrize("count", [1, 3])
def test_invitations_list_queries(event, organizer, as_user, django_assert_num_queries, count):
    invite(event, count)
    client = as_user(organizer)
    # token, event, organizer role, invitations
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/events/{event.slug}/invitations/")
    assert len(response.json()) == count


@pytest.mark.parametrize("count", [1, 3])
def test_registration_requests_list_queries(
    event, organizer, as_user, django_assert_num_queries, count
):
    request_registration(event, count)
    client = as_user(organizer)
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/events/{event.slug}/registration-requests/")
    assert [row["state"] for row in response.json()] == ["pending"] * count
