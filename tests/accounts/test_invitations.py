"""Invitation links: single use, expiring, resendable; booth admins invite staff to their booth."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, StoredMail
from congress.models import Registration
from expo.models import ExhibitorStaff
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
)

from .smtp import link_in


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@pytest.fixture
def booth(event):
    return ExhibitorFactory(event=event, name="Stadtwerke Musterhausen", slug="stadtwerke")


@pytest.fixture
def booth_admin(event, booth):
    user = UserFactory(username="bernd")
    RegistrationFactory(event=event, user=user, role=Registration.Role.EXHIBITOR)
    ExhibitorStaffFactory(exhibitor=booth, user=user, role="admin")
    return user


@pytest.mark.django_db(transaction=True)
def test_booth_admin_invites_staff_who_sets_a_password_and_lands_on_the_booth(
    event, booth, booth_admin, as_user, smtp, settings
):
    settings.SITE_URL = "http://testserver"
    response = as_user(booth_admin).post(
        f"/api/v1/events/{event.slug}/exhibitors/{booth.pk}/staff/invite/",
        {"email": "sven@example.org", "first_name": "Sven", "last_name": "Stand"},
        format="json",
    )
    assert response.status_code == 201
    assert ExhibitorStaff.objects.filter(exhibitor=booth, user__email="sven@example.org").exists()
    run_worker()
    (mail,) = smtp.wait_for("sven@example.org")
    assert "Stadtwerke Musterhausen" in mail.get_body(("plain",)).get_content()
    path = link_in(mail).removeprefix("http://testserver")

    client = Client()
    assert client.get(path).status_code == 200
    done = client.post(
        path, {"new_password1": "Stand-Passwort-9", "new_password2": "Stand-Passwort-9"}
    )
    assert done.status_code == 302
    assert done["Location"] == f"/events/{event.slug}/expo/{booth.pk}/"
    assert client.get("/me/").status_code == 200

    reused = Client().post(path, {"new_password1": "anderes-Pw-1", "new_password2": "anderes-Pw-1"})
    assert reused.status_code == 410
    assert Client().login(username="sven@example.org", password="Stand-Passwort-9")


@pytest.mark.django_db
def test_expired_invitation_link_shows_a_clear_page_and_changes_nothing(event, organizer):
    invited = UserFactory(username="ina", email="ina@example.org")
    invited.set_unusable_password()
    invited.save()
    invitation = Invitation.objects.create(
        event=event, user=invited, email=invited.email, role="attendee",
        expires_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    client = Client()
    page = client.get(f"/invitation/{invitation.token}/")
    assert page.status_code == 410
    assert "Dieser Einladungslink ist abgelaufen." in page.content.decode()
    client.post(
        f"/invitation/{invitation.token}/",
        {"new_password1": "Neues-Passwort-1", "new_password2": "Neues-Passwort-1"},
    )
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db(transaction=True)
def test_resend_issues_a_new_link_and_the_old_one_stops_working(
    event, organizer, as_user, settings
):
    settings.EMAIL_BACKEND = "accounts.mail.OutboxBackend"
    invited = UserFactory(username="ina", email="ina@example.org")
    invitation = Invitation.objects.create(
        event=event, user=invited, email=invited.email, role="attendee",
        expires_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    old_token = invitation.token
    response = as_user(organizer).post(
        f"/api/v1/events/{event.slug}/invitations/{invitation.pk}/resend/"
    )
    assert response.status_code == 200
    run_worker()
    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert invitation.expires_at > timezone.now()
    assert (invitation.delivery, invitation.attempts) == ("sent", 1)
    assert Client().get(f"/invitation/{old_token}/").status_code == 410
    assert Client().get(f"/invitation/{invitation.token}/").status_code == 200
    (stored,) = StoredMail.objects.all()
    assert invitation.token in stored.text and invitation.token in stored.html


@pytest.mark.django_db
def test_booth_admin_cannot_invite_to_another_booth_and_nothing_changes(
    event, booth_admin, as_user
):
    other = ExhibitorFactory(event=event, slug="andere")
    response = as_user(booth_admin).post(
        f"/api/v1/events/{event.slug}/exhibitors/{other.pk}/staff/invite/",
        {"email": "x@example.org"},
        format="json",
    )
    assert response.status_code == 403
    assert not ExhibitorStaff.objects.filter(exhibitor=other).exists()
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outbox_shows_the_worker_mails_while_debug_is_on(event, booth, booth_admin, settings):
    settings.EMAIL_BACKEND = "accounts.mail.OutboxBackend"
    settings.DEBUG = True
    client = Client()
    client.force_login(booth_admin)
    page = client.post(
        f"/events/{event.slug}/expo/{booth.pk}/invite/",
        {"email": "olga@example.org", "role": "staff"},
    )
    assert page.status_code == 302
    run_worker()
    outbox = client.get("/dev/outbox/").content.decode()
    assert "olga@example.org" in outbox
    mail = StoredMail.objects.get()
    detail = client.get(f"/dev/outbox/{mail.pk}/").content.decode()
    assert "/invitation/" in detail
