"""Invitations whose worker dies mid-batch: the rest still go out, nobody is mailed twice, and the
organizer sees (and may resend) the one whose delivery is unsure.

The worker's death is simulated in the process, as for announcements: the SMTP connection raises
SystemExit (which the batch does not catch, as a SIGKILL would not let it) right after the server
accepted a mail, so that invitation is left ``sending`` and the job never finishes.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from tests.factories import UserFactory

from .smtp import DyingConnection

pytestmark = pytest.mark.django_db(transaction=True)

Delivery = Invitation.Delivery


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@pytest.fixture
def invited(event, organizer):
    """Six invitations, queued as an import queues them (the job itself never ran)."""
    ids = []
    for number in range(6):
        user = UserFactory(username=f"p{number}", email=f"p{number}@example.org")
        invitation = services._invite(
            event=event,
            user=user,
            email=user.email,
            role=Invitation.Role.ATTENDEE,
            exhibitor_id=None,
            language="de",
            by=organizer,
        )
        ids.append(invitation.pk)
    return ids


def states():
    return Counter(Invitation.objects.values_list("delivery", flat=True))


def test_a_killed_batch_is_finished_by_the_clock_without_mailing_anyone_twice(
    invited, smtp, monkeypatch, event, organizer, as_user
):
    dying = DyingConnection(die_after=2)
    monkeypatch.setattr(services, "get_connection", lambda: dying)
    with pytest.raises(SystemExit):
        services.deliver_invitations(invited)
    monkeypatch.undo()
    assert states() == {Delivery.SENT: 1, Delivery.SENDING: 1, Delivery.QUEUED: 4}

    # Before the stall nothing is touched: the worker may only be slow.
    assert services.resume_stalled_invitations() == {"unsure": 0, "queued": 0}
    later = timezone.now() + timedelta(minutes=5)
    assert services.resume_stalled_invitations(now=later) == {"unsure": 1, "queued": 4}
    run_worker()
    # A second round finds nothing left to do.
    assert services.resume_stalled_invitations(now=later + timedelta(minutes=5)) == {
        "unsure": 0,
        "queued": 0,
    }

    assert sorted(smtp.addresses().values()) == [1] * 6
    assert states() == {Delivery.SENT: 5, Delivery.UNSURE: 1}
    listed = as_user(organizer).get(f"/api/v1/events/{event.slug}/invitations/?delivery=unsure")
    [unsure] = listed.json()["results"] if "results" in listed.json() else listed.json()
    web = Client(HTTP_ACCEPT_LANGUAGE="de")
    web.force_login(organizer)
    page = web.get(reverse("accounts:import", kwargs={"slug": event.slug})).content.decode()
    assert "unsicher: 1" in page
    assert unsure["email"] in page

    # The organizer sends the unsure one again on purpose: only that person gets a new mail.
    before = smtp.addresses()
    services.resend_invitation(Invitation.objects.get(pk=unsure["id"]), by=organizer)
    run_worker()
    assert smtp.addresses() - before == Counter({unsure["email"]: 1})
    assert states() == {Delivery.SENT: 6}


def test_two_jobs_holding_the_same_invitations_send_each_once(invited, smtp, monkeypatch):
    """Job A has read its invitations; job B (the clock's re-queue of a slow batch) sends them all
    while A opens its connection; A then finds each one taken."""
    connections = []

    def connection():
        real = get_connection()
        if not connections:  # job A's: job B runs to the end while it opens
            opened = real.open

            def open_after_b():
                services.deliver_invitations(invited)
                return opened()

            real.open = open_after_b
        connections.append(real)
        return real

    monkeypatch.setattr(services, "get_connection", connection)
    services.deliver_invitations(invited)
    assert len(connections) == 2
    assert sorted(smtp.addresses().values()) == [1] * 6
    assert states() == {Delivery.SENT: 6}
