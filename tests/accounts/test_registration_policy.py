"""Event registration: open, by invitation only, or with approval; consents recorded by version."""

import pytest

from accounts.models import Consent, Invitation, RegistrationPolicy, RegistrationRequest
from congress.models import Registration
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def join(client, event, consents=()):
    return client.post(
        f"/api/v1/events/{event.slug}/join/", {"consents": list(consents)}, format="json"
    )


@pytest.fixture
def person():
    return UserFactory(username="paula")


def policy(event, mode, **texts):
    return RegistrationPolicy.objects.create(
        event=event,
        mode=mode,
        privacy_notice="Wir speichern …",
        privacy_notice_version="2026-01",
        code_of_conduct="Respekt …",
        code_of_conduct_version="v3",
        **texts,
    )


def test_open_event_without_policy_registers_at_once(event, person, as_user):
    assert join(as_user(person), event).status_code == 201
    assert Registration.objects.filter(event=event, user=person).exists()


def test_open_event_asks_for_the_consents_and_records_the_versions(event, person, as_user):
    policy(event, "open")
    client = as_user(person)
    refused = join(client, event, ["privacy_notice"])
    assert refused.status_code == 400
    assert list(refused.json()) == ["consents"]
    assert not Registration.objects.filter(event=event, user=person).exists()
    assert Consent.objects.count() == 0

    assert join(client, event, ["privacy_notice", "code_of_conduct"]).status_code == 201
    assert sorted(Consent.objects.values_list("document", "version")) == [
        ("code_of_conduct", "v3"),
        ("privacy_notice", "2026-01"),
    ]
    assert all(consent.accepted_at is not None for consent in Consent.objects.all())


def test_the_congress_registration_route_is_gated_too(event, person, as_user):
    policy(event, "open")
    client = as_user(person)
    response = client.post(f"/api/v1/events/{event.slug}/registration/")
    assert response.status_code == 400
    assert not Registration.objects.filter(event=event, user=person).exists()
    session = SessionFactory(event=event)
    favourite = client.post(f"/api/v1/events/{event.slug}/agenda/", {"session": session.pk})
    assert favourite.status_code == 400
    assert not Registration.objects.filter(event=event, user=person).exists()


def test_invitation_only_event_refuses_strangers(event, person, as_user):
    policy(event, "invitation")
    response = join(as_user(person), event, ["privacy_notice", "code_of_conduct"])
    assert response.status_code == 400
    assert not Registration.objects.filter(event=event, user=person).exists()
    assert Consent.objects.count() == 0


def test_invited_person_is_registered(event, person, as_user):
    policy(event, "invitation")
    Invitation.objects.create(
        event=event,
        user=person,
        email=person.email,
        role="attendee",
        expires_at="2099-01-01T00:00Z",
    )
    assert join(as_user(person), event, ["privacy_notice", "code_of_conduct"]).status_code == 201


def test_approval_event_files_a_request_the_organizer_approves(event, person, organizer, as_user):
    policy(event, "approval")
    client = as_user(person)
    assert join(client, event, ["privacy_notice", "code_of_conduct"]).status_code == 202
    assert not Registration.objects.filter(event=event, user=person).exists()
    request = RegistrationRequest.objects.get()

    refused = client.post(
        f"/api/v1/events/{event.slug}/registration-requests/{request.pk}/approve/"
    )
    assert refused.status_code == 403
    assert RegistrationRequest.objects.get().state == "pending"

    orga = as_user(organizer)
    listed = orga.get(f"/api/v1/events/{event.slug}/registration-requests/")
    assert [row["username"] for row in listed.json()] == ["paula"]
    approved = orga.post(f"/api/v1/events/{event.slug}/registration-requests/{request.pk}/approve/")
    assert approved.status_code == 200
    assert Registration.objects.get(event=event, user=person).role == "attendee"


def test_policy_is_public(event, api):
    policy(event, "approval")
    data = api.get(f"/api/v1/events/{event.slug}/policy/").json()
    assert (data["mode"], data["code_of_conduct_version"]) == ("approval", "v3")
