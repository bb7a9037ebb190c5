"""The onboarding pages: my account, registering for an event, the admin import."""

import io

import pytest
from django.test import Client

from accounts.models import Consent, Preferences, RegistrationPolicy
from congress.models import Registration
from tests.factories import ExhibitorFactory, ExhibitorStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_my_account_links_the_organizers_import_and_the_booth_admins_invitations(event, organizer):
    booth = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=booth, user=organizer, role="admin")
    page = logged_in(organizer).get("/me/").content.decode()
    assert f"/events/{event.slug}/import/" in page
    assert f"/events/{event.slug}/expo/{booth.pk}/invite/" in page
    assert "Zwei-Faktor-Anmeldung" in page


def test_my_account_saves_the_language_of_mail(attendee):
    client = logged_in(attendee)
    assert client.post("/me/", {"language": "en"}).status_code == 302
    assert Preferences.objects.get(user=attendee).language == "en"


def test_api_token_is_made_on_the_web_after_the_full_log_in(attendee):
    page = logged_in(attendee).post("/me/token/").content.decode()
    assert attendee.auth_token.key in page


def test_join_page_records_consents_and_registers(event):
    RegistrationPolicy.objects.create(
        event=event, mode="open", privacy_notice="Text", privacy_notice_version="1"
    )
    person = UserFactory(username="paul")
    client = logged_in(person)
    assert "Datenschutzhinweis" in client.get(f"/events/{event.slug}/join/").content.decode()
    client.post(f"/events/{event.slug}/join/", {})
    assert not Registration.objects.filter(event=event, user=person).exists()
    response = client.post(f"/events/{event.slug}/join/", {"consents": ["privacy_notice"]})
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, user=person).exists()
    assert list(Consent.objects.values_list("document", "version")) == [("privacy_notice", "1")]


def test_admin_import_shows_the_row_report(event):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = logged_in(admin)
    assert client.get("/admin/accounts/invitation/").status_code == 200
    data = "email,role\nneu@example.org,attendee\nkaputt,attendee\n"
    page = client.post(
        "/admin/accounts/invitation/import/",
        {"event": event.pk, "file": io.BytesIO(data.encode()), "dry_run": "on"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="created">1<' in text
    assert 'data-count="rejected">1<' in text
    assert not Registration.objects.filter(event=event, user__email="neu@example.org").exists()


def test_an_event_can_require_two_factor_login_of_its_organizers(event, organizer):
    RegistrationPolicy.objects.create(event=event, organizers_need_mfa=True)
    client = Client()
    assert client.post("/login/", {"login": "orga", "password": "treffpunkt"}).status_code == 302
    page = client.get(f"/events/{event.slug}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.get(f"/api/v1/events/{event.slug}/registrations/").status_code == 403

    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=organizer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(f"/events/{event.slug}/").status_code == 200


def test_attendees_are_not_asked_for_two_factor_login(event, attendee):
    RegistrationPolicy.objects.create(event=event, organizers_need_mfa=True)
    client = Client()
    client.post("/login/", {"login": "anna", "password": "treffpunkt"})
    assert client.get(f"/events/{event.slug}/").status_code == 200
