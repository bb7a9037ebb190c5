"""A mailing whose worker dies mid-batch: nobody is mailed twice, the organizer sees the unsure one.

The worker's death is simulated in the process: the SMTP connection raises SystemExit (which the
batch does not catch, as a SIGKILL would not let it) right after the server accepted a mail, so
that mail's row is left "sending" — the moment that sent a mail twice before. The real worker
processes and SIGKILL are in test_announcement_mail.py.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from congress.announcements import create_announcement
from congress.models import Announcement, Registration
from notifications import announcements
from notifications.models import AnnouncementRecipient, Preference
from tests.accounts.smtp import DyingConnection
from tests.factories import RegistrationFactory, UserFactory

from .conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

State = AnnouncementRecipient.State


@pytest.fixture
def mailing(event, organizer):
    people = [UserFactory(username=f"p{n}") for n in range(6)]
    for person in people:
        RegistrationFactory(event=event, user=person, role=Registration.Role.ATTENDEE)
    announcement = create_announcement(
        event, user=organizer, text_de="Die Expo öffnet jetzt.", send_mail=True
    )
    announcements.prepare(announcement.pk)  # as the worker's first job would
    return announcement, people


def kill_during_first_batch(announcement, monkeypatch, die_after):
    ids = list(
        AnnouncementRecipient.objects.filter(announcement=announcement)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    dying = DyingConnection(die_after)
    monkeypatch.setattr(announcements, "get_connection", lambda: dying)
    with pytest.raises(SystemExit):
        announcements.send_batch(announcement.pk, ids)
    monkeypatch.undo()


def test_a_mail_caught_by_the_kill_is_unsure_and_not_sent_again(
    mailing, smtp, monkeypatch, as_user, organizer
):
    announcement, people = mailing
    kill_during_first_batch(announcement, monkeypatch, die_after=3)
    assert Counter(
        AnnouncementRecipient.objects.filter(announcement=announcement).values_list(
            "state", flat=True
        )
    ) == {State.SENT: 2, State.SENDING: 1, State.PENDING: 4}

    # notify_tick after the stall: the row left "sending" is unsure, the pending ones go out.
    queued = announcements.resume_stalled(now=timezone.now() + timedelta(minutes=5))
    run_worker()

    assert queued == 4
    counts = smtp.addresses()
    # Everyone registered (six people and the organizer) got the mail, nobody twice.
    assert sorted(counts.values()) == [1] * 7
    body = as_user(organizer).get(f"/api/v1/events/{announcement.event.slug}/announcements/")
    [item] = body.json()
    assert item["mail"] == {"total": 7, "sent": 6, "failed": 0, "unsure": 1}


def test_the_organizer_resends_only_the_unsure_mail(mailing, smtp, monkeypatch, as_user, organizer):
    announcement, people = mailing
    kill_during_first_batch(announcement, monkeypatch, die_after=1)
    announcements.resume_stalled(now=timezone.now() + timedelta(minutes=5))
    run_worker()
    unsure = AnnouncementRecipient.objects.get(announcement=announcement, state=State.UNSURE)
    before = smtp.addresses()

    response = as_user(organizer).post(
        f"/api/v1/events/{announcement.event.slug}/announcements/{announcement.pk}/resend/",
        {"which": ["unsure"]},
        format="json",
    )
    run_worker()

    assert response.status_code == 202
    after = smtp.addresses()
    # The unsure person (whose first mail did arrive here) gets the one the organizer chose to
    # send; nobody else gets anything new.
    assert after - before == Counter({unsure.user.email: 1})
    announcement.refresh_from_db()
    assert (announcement.mail_sent, announcement.mail_unsure) == (7, 0)


def test_resend_needs_a_valid_choice_and_an_organizer(mailing, as_user, organizer, attendee):
    announcement, _people = mailing
    url = f"/api/v1/events/{announcement.event.slug}/announcements/{announcement.pk}/resend/"

    refused = as_user(attendee).post(url, {"which": ["unsure"]}, format="json")
    invalid = as_user(organizer).post(url, {"which": ["sent"]}, format="json")
    empty = as_user(organizer).post(url, {"which": []}, format="json")

    assert refused.status_code == 403
    assert invalid.status_code == 400
    assert list(invalid.json()) == ["which"]
    assert empty.status_code == 400
    assert not AnnouncementRecipient.objects.exclude(state=State.PENDING).exists()


def test_turning_announcement_mail_off_stops_it_in_the_middle_of_a_batch(mailing, smtp):
    announcement, people = mailing
    # The batch was queued with everyone; the choice changes before the worker reaches them.
    Preference.objects.create(user=people[3], kind="announcement", channel="live")

    run_worker()

    counts = smtp.addresses()
    assert people[3].email not in counts
    assert len(counts) == 6
    states = dict(
        AnnouncementRecipient.objects.filter(announcement=announcement).values_list(
            "user_id", "state"
        )
    )
    assert states[people[3].pk] == State.SKIPPED
    assert Announcement.objects.get(pk=announcement.pk).mail_sent == 6
