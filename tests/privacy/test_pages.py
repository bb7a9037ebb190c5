"""The web side: “Meine Daten” with export, consents and erasure; privacy notice and Impressum."""

from unittest import mock

from django.test import Client
from django.urls import reverse

from privacy.models import DataExport
from privacy.services import save_event_text
from tests.factories import PASSWORD, EventFactory, UserFactory
from treffpunkt.privacy import ERASED_NAME


def web(user):
    client = Client()
    client.force_login(user)
    return client


def test_my_account_page_offers_export_consents_and_erasure(world):
    page = web(world.person).get(reverse("accounts:me")).content.decode()
    assert reverse("privacy:request-export") in page
    assert reverse("privacy:erase") in page
    assert page.count('action="/me/data/consents/') == 3  # notice, visibility, lead


def test_requesting_the_export_on_the_page_queues_it(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = web(world.person).post(reverse("privacy:request-export"))
    assert response.url == reverse("accounts:me")
    assert DataExport.objects.filter(user=world.person, state="pending").count() == 1


def test_erasing_on_the_page_logs_out_and_closes_sockets(world, django_capture_on_commit_callbacks):
    client = web(world.person)
    with (
        mock.patch("treffpunkt.realtime.bus.close_user_sockets") as close,
        django_capture_on_commit_callbacks(execute=True),
    ):
        wrong = client.post(reverse("privacy:erase"), {"password": "nein", "confirm": "on"})
        assert wrong.status_code == 200
        response = client.post(reverse("privacy:erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.url == reverse("web:home")
    assert mock.call(world.person.pk, reason="erased") in close.call_args_list
    world.person.refresh_from_db()
    assert world.person.get_full_name() == ERASED_NAME
    assert client.get(reverse("accounts:me")).status_code == 302  # logged out


def test_privacy_notice_and_imprint_pages_show_the_events_text(db):
    event = EventFactory()
    save_event_text(event=event, kind="privacy_notice", language="de", body="Verantwortlich: Amt")
    save_event_text(event=event, kind="imprint", language="de", body="Herausgeber: Amt X")
    client = Client(headers={"accept-language": "de"})
    notice = client.get(reverse("privacy:notice", kwargs={"slug": event.slug}))
    imprint = client.get(reverse("privacy:imprint", kwargs={"slug": event.slug}))
    assert "Verantwortlich: Amt" in notice.content.decode()
    assert "Herausgeber: Amt X" in imprint.content.decode()


def test_every_page_footer_links_privacy_and_imprint(db):
    event = EventFactory()
    user = UserFactory()
    event_page = web(user).get(reverse("web:programme", kwargs={"slug": event.slug}))
    assert reverse("privacy:notice", kwargs={"slug": event.slug}) in event_page.content.decode()
    assert reverse("privacy:imprint", kwargs={"slug": event.slug}) in event_page.content.decode()
    home = Client().get(reverse("privacy:platform-notice")).content.decode()
    assert reverse("privacy:platform-notice") in home
    assert reverse("privacy:platform-imprint") in home
