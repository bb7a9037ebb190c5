"""The texts of the optional consents: organizers write them per event and language, people see
them where they consent, each consent records the version, and a new version of a consent to
ongoing processing (matchmaking visibility, mail notifications) asks again at the next visit,
with withdrawing as easy as agreeing."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Consent
from congress.models import Registration
from expo.services import leave_lead
from matchmaking.models import Profile
from matchmaking.selectors import ranking_for
from matchmaking.services import update_profile
from notifications.models import Channel, Preference
from notifications.services import set_preferences
from privacy.services import save_event_text
from tests.factories import EventFactory, ExhibitorFactory, RegistrationFactory, UserFactory
from tests.matchmaking.factories import ProfileFactory

TEXT_DE = "Ihr Profil sehen alle Angemeldeten (Fassung Juni)."
TEXT_EN = "All registered attendees see your profile (June version)."
CHANGED_DE = "Ihr Profil sehen auch Aussteller (Fassung September)."


@pytest.fixture
def people(db):
    event = EventFactory()
    organizer = UserFactory(username="olga")
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    RegistrationFactory(event=event, user=attendee)
    return event, organizer, attendee


def web(user, language="de"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def api(user, language="de"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_authenticate(user)
    return client


def texts_url(event):
    return f"/api/v1/events/{event.slug}/texts/"


def visible_profile(event, user):
    profile = ProfileFactory(event=event, user=user, is_visible=False)
    update_profile(profile, user=user, is_visible=True)
    return profile


def versions(user, document):
    """``[(version, still active, how it was given)]`` in the order given."""
    return [
        (consent.version, consent.withdrawn_at is None, consent.how)
        for consent in Consent.objects.filter(user=user, document=document).order_by("pk")
    ]


def test_organizers_write_the_matchmaking_text_per_language_and_people_consent_to_that_version(
    people,
):
    event, organizer, attendee = people
    for language, body in (("de", TEXT_DE), ("en", TEXT_EN)):
        response = api(organizer).post(
            texts_url(event),
            {"kind": "matchmaking_visibility", "language": language, "body": body},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["version"] == 1

    page = web(attendee).get(reverse("web:networking", kwargs={"slug": event.slug}))
    assert TEXT_DE in page.content.decode()
    english = api(attendee, "en").get(f"/api/v1/events/{event.slug}/profiles/me/")
    assert english.json()["visibility_consent"]["text"] == TEXT_EN
    assert english.json()["visibility_consent"]["given"] is False

    response = web(attendee).post(
        reverse("web:networking", kwargs={"slug": event.slug}),
        {"is_visible": "on", "organisation_type": "municipality"},
    )
    assert response.status_code == 302
    # The version counts every language's changes: German 1 + English 1.
    assert versions(attendee, "matchmaking_visibility") == [("2", True, "profile setting")]
    mine = api(attendee).get(f"/api/v1/events/{event.slug}/profiles/me/").json()
    assert mine["visibility_consent"] == {"version": "2", "text": TEXT_DE, "given": True}


def test_a_changed_matchmaking_text_asks_again_and_hiding_takes_effect_at_once(
    people, django_capture_on_commit_callbacks
):
    event, organizer, attendee = people
    save_event_text(event=event, kind="matchmaking_visibility", language="de", body=TEXT_DE)
    visible_profile(event, attendee)
    client = web(attendee)
    programme = reverse("web:programme", kwargs={"slug": event.slug})
    assert client.get(programme).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert attendee.pk in ranking_for(event)

    with django_capture_on_commit_callbacks(execute=True):
        save_event_text(event=event, kind="matchmaking_visibility", language="de", body=CHANGED_DE)

    response = client.get(programme)
    ask = reverse("privacy:consent-again", kwargs={"slug": event.slug})
    assert response.status_code == 302
    assert response.url.startswith(ask)
    page = client.get(response.url).content.decode()
    assert CHANGED_DE in page
    assert "Zustimmen und sichtbar bleiben" in page
    assert "Mein Profil verbergen" in page
    # The privacy notice did not change, so it is not asked for.
    assert "Ich habe die Texte gelesen" not in page

    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(
            ask, {"next": programme, "document": "matchmaking_visibility", "answer": "withdraw"}
        )
    assert answered.status_code == 302
    assert answered.url == programme
    assert Profile.objects.get(event=event, user=attendee).is_visible is False
    assert attendee.pk not in ranking_for(event)
    assert versions(attendee, "matchmaking_visibility") == [("1", False, "profile setting")]
    assert Consent.objects.get(user=attendee).withdrawn_how == "web: changed text asked again"
    assert client.get(programme).status_code == 200


def test_agreeing_to_the_changed_text_keeps_the_profile_visible(
    people, django_capture_on_commit_callbacks
):
    event, organizer, attendee = people
    save_event_text(event=event, kind="matchmaking_visibility", language="de", body=TEXT_DE)
    visible_profile(event, attendee)
    client = web(attendee)
    programme = reverse("web:programme", kwargs={"slug": event.slug})
    client.get(programme)
    with django_capture_on_commit_callbacks(execute=True):
        save_event_text(event=event, kind="matchmaking_visibility", language="de", body=CHANGED_DE)
    own = f"/api/v1/events/{event.slug}/profiles/me/"
    assert api(attendee).get(own).json()["visibility_consent"]["given"] is False

    ask = reverse("privacy:consent-again", kwargs={"slug": event.slug})
    answered = client.post(
        ask, {"next": programme, "document": "matchmaking_visibility", "answer": "accept"}
    )
    assert answered.url == programme
    assert client.get(programme).status_code == 200
    assert Profile.objects.get(event=event, user=attendee).is_visible is True
    assert versions(attendee, "matchmaking_visibility") == [
        ("1", True, "profile setting"),
        ("2", True, "web: changed text asked again"),
    ]
    assert api(attendee).get(own).json()["visibility_consent"]["given"] is True


def test_a_rest_client_agrees_to_a_changed_text_by_setting_visible_again(people):
    event, organizer, attendee = people
    visible_profile(event, attendee)
    save_event_text(event=event, kind="matchmaking_visibility", language="de", body=CHANGED_DE)
    own = f"/api/v1/events/{event.slug}/profiles/me/"
    before = api(attendee).get(own).json()["visibility_consent"]
    assert before == {"version": "1", "text": CHANGED_DE, "given": False}

    response = api(attendee).patch(own, {"is_visible": True}, format="json")
    assert response.json()["visibility_consent"]["given"] is True
    assert versions(attendee, "matchmaking_visibility") == [
        ("default", True, "profile setting"),
        ("1", True, "profile setting"),
    ]


def test_a_changed_mail_text_asks_again_and_stopping_turns_the_mail_off(
    people, django_capture_on_commit_callbacks
):
    event, organizer, attendee = people
    set_preferences(attendee, {"session.reminder": Channel.MAIL}, event=event, method="test")
    client = web(attendee)
    programme = reverse("web:programme", kwargs={"slug": event.slug})
    assert client.get(programme).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        save_event_text(event=event, kind="mail_notifications", language="de", body="Neu: Mails.")
    response = client.get(programme)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Neu: Mails." in page
    client.post(
        response.url,
        {"next": programme, "document": "mail_notifications", "answer": "withdraw"},
    )
    assert Preference.objects.get(user=attendee, kind="session.reminder").channel == Channel.LIVE
    assert not Consent.objects.filter(user=attendee, withdrawn_at=None).exists()
    assert client.get(programme).status_code == 200


def test_the_lead_form_shows_the_organizers_text_and_records_its_version_without_asking_again(
    people, django_capture_on_commit_callbacks
):
    event, organizer, attendee = people
    exhibitor = ExhibitorFactory(event=event)
    save_event_text(event=event, kind="lead_sharing", language="de", body="Nur der Stand (v1).")
    client = web(attendee)
    booth = reverse("web:booth", kwargs={"slug": event.slug, "pk": exhibitor.pk})
    assert "Nur der Stand (v1)." in client.get(booth).content.decode()
    client.post(
        reverse("web:booth-lead", kwargs={"slug": event.slug, "pk": exhibitor.pk}),
        {"action": "leave", "consent": "on", "message": "Hallo"},
    )
    assert versions(attendee, "lead_sharing") == [("1", True, "booth lead form")]

    with django_capture_on_commit_callbacks(execute=True):
        save_event_text(event=event, kind="lead_sharing", language="de", body="Nur der Stand (v2).")
    # A lead is a one-off transfer under the text it was given to: nobody is stopped for it.
    programme = reverse("web:programme", kwargs={"slug": event.slug})
    assert client.get(programme).status_code == 200
    leave_lead(exhibitor, user=attendee, consent=True, message="Noch einmal")
    assert [version for version, *_ in versions(attendee, "lead_sharing")] == ["1", "2"]


def test_without_organizers_texts_the_platforms_own_are_shown_in_the_persons_language(people):
    event, organizer, attendee = people
    german = api(attendee).get(f"{texts_url(event)}consents/").json()
    english = api(attendee, "en").get(f"{texts_url(event)}consents/").json()
    assert [item["document"] for item in german] == [
        "matchmaking_visibility",
        "lead_sharing",
        "mail_notifications",
    ]
    assert {item["version"] for item in german} == {"default"}
    assert "Standpersonal" in german[1]["text"]
    assert "staff of this booth" in english[1]["text"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "guestbook", "language": "de", "body": "x"}, "kind"),
        ({"kind": "lead_sharing", "language": "fr", "body": "x"}, "language"),
        ({"kind": "lead_sharing", "language": "de", "body": ""}, "body"),
        ({"kind": "lead_sharing", "language": "de"}, "body"),
    ],
)
def test_a_bad_text_gets_a_field_error_and_changes_nothing(people, data, field):
    event, organizer, attendee = people
    response = api(organizer).post(texts_url(event), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert api(organizer).get(texts_url(event)).json() == []


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("attendee", 403)])
def test_only_organizers_write_texts(people, role, expected):
    event, organizer, attendee = people
    user = attendee if role == "attendee" else None
    response = api(user).post(
        texts_url(event), {"kind": "imprint", "language": "de", "body": "Falsch"}, format="json"
    )
    assert response.status_code == expected
    assert api(None).get(texts_url(event)).json() == []
    editor = reverse("privacy:edit", kwargs={"slug": event.slug})
    if user is not None:
        assert web(user).get(editor).status_code == 403


def test_the_editor_opens_a_text_with_its_current_body(people):
    event, organizer, attendee = people
    save_event_text(event=event, kind="matchmaking_visibility", language="en", body=TEXT_EN)
    editor = reverse("privacy:edit", kwargs={"slug": event.slug})
    page = web(organizer).get(editor).content.decode()
    assert "?kind=matchmaking_visibility&amp;language=en" in page
    opened = web(organizer).get(editor, {"kind": "matchmaking_visibility", "language": "en"})
    assert TEXT_EN in opened.content.decode()
    saved = web(organizer).post(
        editor,
        {"text-kind": "matchmaking_visibility", "text-language": "en", "text-body": "Changed."},
    )
    assert saved.status_code == 302
    listed = api(organizer).get(texts_url(event)).json()
    assert [(t["kind"], t["language"], t["version"]) for t in listed] == [
        ("matchmaking_visibility", "en", 2)
    ]
