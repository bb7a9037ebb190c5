"""Leads exist only with the attendee's consent; only the booth's own staff read them."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone

from congress.models import Registration
from expo.models import Lead
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    SpeakerFactory,
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


def leads_url(booth):
    return f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/leads/"


@pytest.mark.parametrize("payload", [{}, {"consent": False}, {"message": "Bitte melden"}])
def test_lead_without_consent_is_refused(booth, attendee, as_user, payload):
    response = as_user(attendee).post(leads_url(booth), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["consent"]
    assert Lead.objects.count() == 0


def test_lead_with_consent_is_created(booth, attendee, as_user):
    response = as_user(attendee).post(
        leads_url(booth), {"consent": True, "message": "Bitte melden"}, format="json"
    )

    assert response.status_code == 201
    lead = Lead.objects.get()
    assert (lead.exhibitor, lead.user, lead.consent, lead.message) == (
        booth,
        attendee,
        True,
        "Bitte melden",
    )
    body = response.json()
    assert datetime.fromisoformat(body.pop("consented_at")) == lead.consented_at
    assert body == {
        "id": lead.pk,
        "name": "anna",
        "email": "anna@example.org",
        "message": "Bitte melden",
    }


def test_second_lead_replaces_the_first(booth, attendee, as_user):
    client = as_user(attendee)
    client.post(leads_url(booth), {"consent": True, "message": "eins"}, format="json")
    client.post(leads_url(booth), {"consent": True, "message": "zwei"}, format="json")

    assert list(Lead.objects.values_list("message", flat=True)) == ["zwei"]


def test_staff_read_their_leads_and_staff_of_another_booth_cannot(
    event, booth, staff, attendee, as_user
):
    as_user(attendee).post(leads_url(booth), {"consent": True}, format="json")
    stranger = UserFactory(username="oskar")
    ExhibitorStaffFactory(exhibitor=ExhibitorFactory(event=event), user=stranger, role="admin")

    own = as_user(staff).get(leads_url(booth))
    other = as_user(stranger).get(leads_url(booth))
    other_csv = as_user(stranger).get(leads_url(booth).rstrip("/") + ".csv")

    assert own.status_code == 200
    assert [lead["name"] for lead in own.json()] == ["anna"]
    assert (other.status_code, other_csv.status_code) == (403, 403)


def test_csv_lists_exactly_the_consented_leads(event, booth, staff, attendee, as_user):
    bernd = UserFactory(username="bernd", first_name="Bernd", last_name="Beispiel")
    RegistrationFactory(event=event, user=bernd, role=Registration.Role.SPEAKER)
    SpeakerFactory(event=event, user=bernd, organisation="Kreis Musterland")
    carla = UserFactory(username="carla")
    RegistrationFactory(event=event, user=carla)
    as_user(attendee).post(leads_url(booth), {"consent": True, "message": "=1+1"}, format="json")
    as_user(bernd).post(leads_url(booth), {"consent": True}, format="json")
    as_user(carla).post(leads_url(booth), {"consent": False}, format="json")
    other_booth = ExhibitorFactory(event=event)
    as_user(carla).post(leads_url(other_booth), {"consent": True}, format="json")

    response = as_user(staff).get(leads_url(booth).rstrip("/") + ".csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    dates = dict(Lead.objects.filter(exhibitor=booth).values_list("user__username", "consented_at"))
    assert rows == [
        ["name", "email", "organisation", "message", "date"],
        ["anna", "anna@example.org", "", "'=1+1", dates["anna"].isoformat()],
        ["Bernd Beispiel", "bernd@example.org", "Kreis Musterland", "", dates["bernd"].isoformat()],
    ]
    assert all(isinstance(value, datetime) for value in dates.values())


def test_withdrawn_lead_is_gone(booth, staff, attendee, as_user):
    client = as_user(attendee)
    client.post(leads_url(booth), {"consent": True}, format="json")

    response = client.delete(leads_url(booth) + "mine/")

    assert response.status_code == 204
    assert Lead.objects.count() == 0
    assert as_user(staff).get(leads_url(booth)).json() == []
    assert client.delete(leads_url(booth) + "mine/").status_code == 404


def test_lead_at_a_draft_booth_is_not_found(event, attendee, as_user):
    draft = ExhibitorFactory(event=event, status="draft")

    response = as_user(attendee).post(leads_url(draft), {"consent": True}, format="json")

    assert response.status_code == 404
    assert Lead.objects.count() == 0


def test_unregistered_user_cannot_leave_a_lead(booth, as_user):
    response = as_user(UserFactory(username="gast")).post(
        leads_url(booth), {"consent": True}, format="json"
    )

    assert response.status_code == 403
    assert Lead.objects.count() == 0


def test_consent_is_required_by_the_database(booth, attendee):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Lead.objects.create(
            exhibitor=booth, user=attendee, consent=False, consented_at=timezone.now()
        )


def test_consent_can_be_withdrawn_while_the_booth_is_back_in_review(booth, attendee, as_user):
    as_user(attendee).post(leads_url(booth), {"consent": True}, format="json")
    booth.status = booth.Status.SUBMITTED
    booth.save(update_fields=["status"])
    assert as_user(attendee).get(leads_url(booth).replace("leads/", "")).status_code == 404

    response = as_user(attendee).delete(leads_url(booth) + "mine/")

    assert response.status_code == 204
    assert not Lead.objects.exists()
