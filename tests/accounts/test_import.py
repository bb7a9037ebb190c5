"""The registration import: 650 rows, 5 bad ones, invitations mailed by the worker over SMTP."""

import io
import time

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import Invitation
from congress.models import Registration
from expo.models import ExhibitorStaff
from tests.factories import ExhibitorFactory, SpeakerFactory, UserFactory

from .smtp import html_of, text_of

HEADER = "email,first_name,last_name,organisation,role,booth\n"
BAD_LINES = {
    100: "The e-mail address is missing.",
    200: "“nicht-gültig@” is not a valid e-mail address.",
    300: "Unknown role “keynoter” (attendee, speaker or exhibitor staff).",
    400: "The same e-mail address is already in line 2.",
    500: "There is no booth “stand-z”.",
}


def csv_file(good=645):
    """``good`` valid rows; the bad rows sit at lines 100, 200, 300, 400, 500 (header is line 1)."""
    bad = {
        100: ",Ohne,Adresse,Amt,attendee,",
        200: "nicht-gültig@,Falsch,Adresse,Amt,attendee,",
        300: "rolle@example.org,Unbekannte,Rolle,Amt,keynoter,",
        400: "person0@example.org,Doppelt,Eingetragen,Amt,attendee,",
        500: "stand@example.org,Ohne,Stand,Firma,exhibitor staff,stand-z",
    }
    lines, number = [], 0
    for line in range(2, good + len(bad) + 2):
        if line in bad:
            lines.append(bad[line])
            continue
        role, booth = "attendee", ""
        if number % 50 == 1:
            role = "speaker"
        elif number % 50 == 2:
            role, booth = "exhibitor staff", "stand-a"
        lines.append(
            f"person{number}@example.org,Vorname{number},Nachname{number},Amt {number},{role},{booth}"
        )
        number += 1
    return HEADER + "\n".join(lines) + "\n"


def upload(client, event, text, **data):
    return client.post(
        f"/api/v1/events/{event.slug}/registrations/import/",
        {"file": io.BytesIO(text.encode()), **data},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_import_of_650_rows_registers_645_and_the_worker_mails_645_invitations(
    event, organizer, as_user, smtp, settings, capsys
):
    settings.SITE_URL = "http://treffpunkt.test"
    ExhibitorFactory(event=event, slug="stand-a", name="Stand A")
    SpeakerFactory(event=event, name="Vorname1 Nachname1")
    client = as_user(organizer)
    text = csv_file()
    assert text.count("\n") == 651

    dry = upload(client, event, text, dry_run="true")
    assert dry.status_code == 200
    assert (dry.json()["created"], dry.json()["invitations"]) == (645, 645)
    assert Registration.objects.filter(event=event).count() == 1
    assert Invitation.objects.count() == 0
    assert DBTaskResult.objects.count() == 0

    started = time.perf_counter()
    response = upload(client, event, text)
    imported = time.perf_counter() - started
    assert response.status_code == 201
    report = response.json()
    assert (report["created"], report["updated"], report["skipped"]) == (645, 0, 0)
    assert {row["line"]: row["reason"] for row in report["rejected"]} == BAD_LINES
    assert Registration.objects.filter(event=event).count() == 646
    assert Registration.objects.filter(event=event, role="speaker").count() == 13
    assert ExhibitorStaff.objects.filter(exhibitor__slug="stand-a").count() == 13
    assert event.speakers.get(name="Vorname1 Nachname1").user.email == "person1@example.org"

    started = time.perf_counter()
    run_worker()
    mailed = time.perf_counter() - started
    assert len(smtp.messages) == 645
    assert len({m["To"] for m in smtp.messages}) == 645
    assert Invitation.objects.filter(delivery="sent").count() == 645
    mail = smtp.to("person7@example.org")[0]
    assert "http://treffpunkt.test/invitation/" in text_of(mail)
    assert "http://treffpunkt.test/invitation/" in html_of(mail)
    assert mail["Subject"] == f"Ihre Einladung zu {event.name}"
    with capsys.disabled():
        print(
            f"\nimport of 650 rows: {imported:.2f} s; 645 invitation mails by the worker: {mailed:.2f} s"
        )

    again = upload(client, event, text)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"], again.json()["skipped"]) == (
        0,
        0,
        645,
    )
    assert len(again.json()["rejected"]) == 5
    run_worker()
    assert len(smtp.messages) == 645
    assert Registration.objects.filter(event=event).count() == 646
    assert Invitation.objects.count() == 645


@pytest.mark.django_db(transaction=True)
def test_a_failed_mail_is_recorded_retried_and_listed_for_organizers(
    event, organizer, as_user, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    from tests.servers import free_port

    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    client = as_user(organizer)
    upload(client, event, HEADER + "eins@example.org,Eins,,,attendee,\n")
    run_worker()
    invitation = Invitation.objects.get()
    assert (invitation.delivery, invitation.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in invitation.last_error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None
    listed = client.get(f"/api/v1/events/{event.slug}/invitations/?delivery=failed")
    assert [row["email"] for row in listed.json()] == ["eins@example.org"]


@pytest.mark.django_db
def test_import_file_without_header_is_refused(event, organizer, as_user):
    response = upload(as_user(organizer), event, "a@example.org,A,B\n")
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.django_db
def test_attendee_cannot_import_and_nothing_changes(event, attendee, as_user):
    response = upload(as_user(attendee), event, HEADER + "x@example.org,X,Y,,attendee,\n")
    assert response.status_code == 403
    assert Registration.objects.filter(event=event).count() == 1
    assert Invitation.objects.count() == 0
    assert not UserFactory._meta.model.objects.filter(email="x@example.org").exists()
