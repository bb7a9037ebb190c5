"""The contact request services: who may ask a booth to talk, and what a request stores."""

import pytest

from expo.models import ContactRequest
from expo.services import request_contact
from tests.factories import ExhibitorFactory, ExhibitorStaffFactory, UserFactory
from treffpunkt.errors import AccessDenied

pytestmark = pytest.mark.django_db


def test_request_contact_stores_the_trimmed_message(event, attendee):
    booth = ExhibitorFactory(event=event)
    request = request_contact(user=attendee, exhibitor=booth, message="  Kurz Zeit?  ")
    stored = ContactRequest.objects.get()
    assert (stored.pk, stored.user_id, stored.exhibitor_id) == (request.pk, attendee.pk, booth.pk)
    assert (stored.message, stored.status) == ("Kurz Zeit?", "open")


@pytest.mark.parametrize("who", ["staff", "unregistered"])
def test_request_contact_refused_stores_nothing(event, who):
    booth = ExhibitorFactory(event=event)
    user = UserFactory(username=who)
    if who == "staff":
        ExhibitorStaffFactory(exhibitor=booth, user=user)
    with pytest.raises(AccessDenied):
        request_contact(user=user, exhibitor=booth, message="Hallo")
    assert ContactRequest.objects.count() == 0
