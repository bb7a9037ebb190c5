"""Who may open a 1:1 conversation: registered participants, and booth staff answering a request.

After every refusal no conversation exists and the contact request is unchanged.
"""

import pytest

from congress.models import Ban
from conversations.models import Conversation
from conversations.services import open_conversation
from expo.models import ContactRequest
from expo.services import accept_contact_request
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)
from treffpunkt.errors import AccessDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair():
    """An attendee who asked one booth to talk; staff of that booth and of another, unregistered."""
    event = EventFactory()
    booth = ExhibitorFactory(event=event)
    attendee = UserFactory(username="besucher")
    RegistrationFactory(event=event, user=attendee)
    peer = UserFactory(username="kollegin")
    RegistrationFactory(event=event, user=peer)
    staff = UserFactory(username="standdienst")
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    foreign = UserFactory(username="fremdstand")
    ExhibitorStaffFactory(exhibitor=ExhibitorFactory(event=event), user=foreign)
    request = ContactRequest.objects.create(exhibitor=booth, user=attendee)
    return {
        "event": event,
        "booth": booth,
        "attendee": attendee,
        "peer": peer,
        "staff": staff,
        "foreign": foreign,
        "request": request,
    }


# opener, other, allowed
OPENINGS = [
    ("attendee", "peer", True),  # registered with registered
    ("staff", "attendee", True),  # unregistered staff, to whom asked their booth
    ("staff", "peer", False),  # unregistered staff, to someone who did not ask
    ("foreign", "attendee", False),  # staff of another booth
]


@pytest.mark.parametrize(("opener", "other", "allowed"), OPENINGS)
def test_open_conversation_rule(fair, opener, other, allowed):
    if allowed:
        conversation, created = open_conversation(
            user=fair[opener], other=fair[other], event=fair["event"]
        )
        assert created is True
        assert conversation.has_participant(fair[opener]) is True
    else:
        with pytest.raises(AccessDenied):
            open_conversation(user=fair[opener], other=fair[other], event=fair["event"])
        assert Conversation.objects.count() == 0


def test_unregistered_staff_cannot_open_over_rest_without_a_request(fair, as_user):
    response = as_user(fair["staff"]).post(
        f"/api/v1/events/{fair['event'].slug}/conversations/",
        {"with": fair["peer"].pk},
        format="json",
    )
    assert response.status_code == 403
    assert Conversation.objects.count() == 0


def test_accept_opens_the_conversation_for_unregistered_staff(fair):
    conversation = accept_contact_request(user=fair["staff"], request=fair["request"])
    fair["request"].refresh_from_db()
    assert (fair["request"].status, fair["request"].conversation_id) == (
        "accepted",
        conversation.pk,
    )
    assert conversation.origin == f"booth:{fair['booth'].pk}"


def test_banned_staff_cannot_accept_and_nothing_changes(fair):
    Ban.objects.create(event=fair["event"], user=fair["staff"])
    with pytest.raises(AccessDenied):
        accept_contact_request(user=fair["staff"], request=fair["request"])
    fair["request"].refresh_from_db()
    assert (fair["request"].status, fair["request"].conversation_id) == ("open", None)
    assert Conversation.objects.count() == 0


def test_staff_of_another_booth_cannot_accept_and_nothing_changes(fair):
    with pytest.raises(AccessDenied):
        accept_contact_request(user=fair["foreign"], request=fair["request"])
    fair["request"].refresh_from_db()
    assert (fair["request"].status, fair["request"].accepted_by_id) == ("open", None)
    assert Conversation.objects.count() == 0
