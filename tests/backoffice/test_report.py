"""The organizer's report matches a seeded congress exactly, and names nobody."""

import csv
import io
from datetime import datetime, time

import pytest
from django.utils import timezone

from backoffice.models import SessionPeak, SessionViewer
from backoffice.viewers import record_peak
from congress.models import ChatMessage, Poll, PollOption, PollVote, Question, Registration, Session
from expo.models import BoothVisit, ContactRequest, Lead
from tests.factories import (
    EventFactory,
    ExhibitorFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db


def local(event, day, hour, minute=0):
    return datetime.combine(event.days[day], time(hour, minute), tzinfo=event.tz)


@pytest.fixture
def congress():
    """Two days; two talks, a break and a cancelled talk; two booths; ten attendees."""
    event = EventFactory(slug="bericht")
    organizer = UserFactory(username="orga")
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    people = [UserFactory(username=f"person{n}") for n in range(10)]
    opening = SessionFactory(event=event, title="Eröffnung", start=at(event, 9), end=at(event, 10))
    panel = SessionFactory(
        event=event, title="Podium", start=at(event, 10, day=1), end=at(event, 11, day=1)
    )
    SessionFactory(event=event, title="Pause", kind=Session.Kind.BREAK, start=at(event, 10))
    SessionFactory(event=event, title="Abgesagt", state=Session.State.CANCELLED)

    # Opening: 6 viewers (09:0x), peak 5; panel: 4 viewers, two of them also at the opening.
    for n in range(6):
        SessionViewer.objects.create(
            session=opening, viewer=f"v{n}", first_seen=local(event, 0, 9, n)
        )
    for n in (4, 5, 6, 7):
        SessionViewer.objects.create(
            session=panel, viewer=f"v{n}", first_seen=local(event, 1, 10, n)
        )
    record_peak(opening, 5)
    record_peak(opening, 3)
    record_peak(panel, 4)
    for n in range(7):
        ChatMessage.objects.create(
            session=opening, user=people[n], text="Hallo", client_id=f"c{n}", is_deleted=n == 6
        )
    ChatMessage.objects.create(session=panel, user=people[0], text="Frage?", client_id="p")
    for n in range(3):
        Question.objects.create(session=opening, user=people[n], text="Warum?", client_id=f"q{n}")
    poll = Poll.objects.create(session=panel, question="Ja?", state=Poll.State.OPEN)
    yes, no = (PollOption.objects.create(poll=poll, text=text) for text in ("Ja", "Nein"))
    for n in range(5):
        PollVote.objects.create(poll=poll, option=yes if n < 3 else no, user=people[n])

    first, second = (
        ExhibitorFactory(event=event, name="A GmbH"),
        ExhibitorFactory(event=event, name="B AG"),
    )
    for n, day in ((0, 0), (0, 1), (1, 0), (2, 1)):
        BoothVisit.objects.create(exhibitor=first, user=people[n], day=event.days[day])
    BoothVisit.objects.create(exhibitor=second, user=people[3], day=event.days[1])
    for n in (0, 1):
        Lead.objects.create(
            exhibitor=first, user=people[n], consent=True, consented_at=timezone.now()
        )
    ContactRequest.objects.create(exhibitor=first, user=people[0])
    ContactRequest.objects.create(exhibitor=second, user=people[3])
    ContactRequest.objects.create(exhibitor=second, user=people[4])
    return event, organizer, opening, panel, first, second


def hours(**counts):
    row = [0] * 24
    for hour, count in counts.items():
        row[int(hour[1:])] = count
    return row


def test_report_numbers_match_the_seeded_congress(as_user, congress):
    event, organizer, opening, panel, first, second = congress

    response = as_user(organizer).get("/api/v1/events/bericht/report/")

    assert response.status_code == 200
    report = response.json()
    assert [
        (s["title"], s["peak_viewers"], s["unique_viewers"], s["chat_messages"], s["questions"],
         s["poll_votes"])
        for s in report["sessions"]
    ] == [("Eröffnung", 5, 6, 6, 3, 0), ("Podium", 4, 4, 1, 0, 5)]  # fmt: skip
    assert report["booths"] == [
        {"id": first.pk, "name": "A GmbH", "visits": 4, "unique_visitors": 3, "leads": 2,
         "contact_requests": 1},
        {"id": second.pk, "name": "B AG", "visits": 1, "unique_visitors": 1, "leads": 0,
         "contact_requests": 2},
    ]  # fmt: skip
    assert report["days"] == [
        {"date": "2026-06-10", "unique_viewers": 6, "hours": hours(h9=6)},
        {"date": "2026-06-11", "unique_viewers": 4, "hours": hours(h10=4)},
    ]
    assert report["booth_days"] == [
        {"date": "2026-06-10", "visitors": 2},
        {"date": "2026-06-11", "visitors": 3},
    ]
    assert report["totals"] == {
        "sessions": 2, "unique_viewers": 8, "chat_messages": 7, "questions": 3, "poll_votes": 5,
        "booth_visits": 5, "leads": 2, "contact_requests": 3,
    }  # fmt: skip
    assert SessionPeak.objects.get(session=opening).peak == 5


def test_report_names_nobody(as_user, congress):
    event, organizer, *_rest = congress

    body = as_user(organizer).get("/api/v1/events/bericht/report/").content.decode()

    for name in ("person0", "person3", "orga", "example.org"):
        assert name not in body


def test_printable_report_page_draws_svg_charts(client, congress):
    event, organizer, *_rest = congress
    client.force_login(organizer)

    page = client.get("/events/bericht/report/")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 2 + 2 + 2  # two days, two sessions, two booths
    assert '<td data-total="unique_viewers">8</td>' in html
    assert "@media print" in html
    for name in ("person0", "person3", "example.org"):
        assert name not in html


def test_report_page_is_hidden_from_attendees(client, congress):
    event, *_rest = congress
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=attendee)
    client.force_login(attendee)

    assert client.get("/events/bericht/report/").status_code == 404


def test_report_csv_tables(as_user, congress):
    event, organizer, opening, *_rest = congress
    client = as_user(organizer)

    sessions = client.get("/api/v1/events/bericht/report.csv")
    booths = client.get("/api/v1/events/bericht/report.csv?table=booths")
    attendance = client.get("/api/v1/events/bericht/report.csv?table=attendance")

    assert sessions["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(sessions.content.decode())))
    assert rows[0] == [
        "id", "guid", "title", "start", "room", "peak_viewers", "unique_viewers",
        "chat_messages", "questions", "poll_votes",
    ]  # fmt: skip
    assert rows[1][2:3] + rows[1][5:] == ["Eröffnung", "5", "6", "6", "3", "0"]
    assert list(csv.reader(io.StringIO(booths.content.decode())))[1][1:] == [
        "A GmbH", "4", "3", "2", "1",
    ]  # fmt: skip
    attendance_rows = list(csv.reader(io.StringIO(attendance.content.decode())))
    assert len(attendance_rows) == 1 + 48
    assert attendance_rows[10] == ["2026-06-10", "09:00", "6"]
    assert client.get("/api/v1/events/bericht/report.csv?table=x").status_code == 400


def test_report_is_for_organizers_only(as_user, congress):
    event, *_rest = congress
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=attendee)

    assert as_user(attendee).get("/api/v1/events/bericht/report/").status_code == 403
    assert as_user(attendee).get("/api/v1/events/bericht/report.csv").status_code == 403


def test_changes_page_links_organizers_to_report_and_webhooks(client, congress):
    event, organizer, *_rest = congress
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=attendee)

    client.force_login(organizer)
    for_organizer = client.get("/events/bericht/changes/").content.decode()
    client.force_login(attendee)
    for_attendee = client.get("/events/bericht/changes/").content.decode()

    assert "/events/bericht/report/" in for_organizer
    assert "/events/bericht/webhooks/" in for_organizer
    assert "/events/bericht/report/" not in for_attendee
