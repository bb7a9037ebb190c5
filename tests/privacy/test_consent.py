"""Consent records: given and withdrawn with one click, with immediate effect; changed texts ask again."""

from django.test import Client
from django.urls import reverse

from accounts.models import Consent
from expo.models import Lead
from matchmaking.models import Profile
from matchmaking.selectors import ranking_for
from privacy.services import save_event_text
from tests.factories import EventFactory, RegistrationFactory, UserFactory


def web(user):
    client = Client()
    client.force_login(user)
    return client


def consent_of(user, document):
    return Consent.objects.get(user=user, document=document, withdrawn_at=None)


def test_opting_in_to_matchmaking_is_recorded_with_how(world):
    consent = consent_of(world.person, "matchmaking_visibility")
    assert (consent.event, consent.how, consent.version) == (
        world.event,
        "profile setting",
        "default",
    )


def test_withdrawn_visibility_leaves_recommendations_at_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert world.person.pk in ranking_for(world.event)
    consent = consent_of(world.person, "matchmaking_visibility")

    with django_capture_on_commit_callbacks(execute=True):
        response = web(world.person).post(reverse("privacy:withdraw", args=[consent.pk]))

    assert response.status_code == 302
    assert world.person.pk not in ranking_for(world.event)
    assert Profile.objects.get(user=world.person).is_visible is False
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_how == "web: Meine Daten"


def test_withdrawn_lead_sharing_deletes_the_lead(world):
    consent = consent_of(world.person, "lead_sharing")
    assert consent.scope == f"booth:{world.exhibitor.pk}"
    web(world.person).post(reverse("privacy:withdraw", args=[consent.pk]))
    assert not Lead.objects.filter(user=world.person).exists()
    assert Lead.objects.filter(user=world.other).count() == 1


def test_nobody_withdraws_anothers_consent(world):
    consent = consent_of(world.person, "lead_sharing")
    response = web(world.other).post(reverse("privacy:withdraw", args=[consent.pk]))
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert Lead.objects.filter(user=world.person).count() == 1


def test_a_changed_privacy_notice_asks_again_at_the_next_visit(
    db, django_capture_on_commit_callbacks
):
    event = EventFactory()
    user = UserFactory()
    RegistrationFactory(event=event, user=user)
    client = web(user)
    programme = reverse("web:programme", kwargs={"slug": event.slug})
    with django_capture_on_commit_callbacks(execute=True):
        save_event_text(event=event, kind="privacy_notice", language="de", body="Erste Fassung")

    response = client.get(programme)
    ask = reverse("privacy:consent-again", kwargs={"slug": event.slug})
    assert response.status_code == 302
    assert response.url.startswith(ask)
    assert client.post(ask, {"next": programme}).url == programme
    assert client.get(programme).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        save_event_text(event=event, kind="privacy_notice", language="de", body="Zweite Fassung")
    assert client.get(programme).status_code == 302
    page = client.get(ask)
    assert "Zweite Fassung" in page.content.decode()
    client.post(ask, {"next": programme})
    assert client.get(programme).status_code == 200
    assert list(
        Consent.objects.filter(user=user, document="privacy_notice").values_list("version", "how")
    ) == [("1", "web: changed text asked again"), ("2", "web: changed text asked again")]


def test_the_same_text_saved_again_is_no_new_version(db):
    event = EventFactory()
    save_event_text(event=event, kind="privacy_notice", language="de", body="Text")
    text = save_event_text(event=event, kind="privacy_notice", language="de", body="Text")
    assert text.version == 1
    assert event.policy.privacy_notice_version == "1"


def test_a_changed_code_of_conduct_asks_again_too(db, django_capture_on_commit_callbacks):
    from accounts.models import RegistrationPolicy
    from privacy.middleware import renew_notice_stamp

    event = EventFactory()
    user = UserFactory()
    RegistrationFactory(event=event, user=user)
    client = web(user)
    programme = reverse("web:programme", kwargs={"slug": event.slug})
    RegistrationPolicy.objects.create(
        event=event, code_of_conduct="Freundlich bleiben.", code_of_conduct_version="2"
    )
    renew_notice_stamp()
    assert client.get(programme).status_code == 302
    client.post(reverse("privacy:consent-again", kwargs={"slug": event.slug}), {"next": programme})
    assert client.get(programme).status_code == 200
    assert Consent.objects.get(user=user).document == "code_of_conduct"


def test_stale_notices_are_the_events_whose_current_texts_you_have_not_accepted(db):
    from django.utils import timezone

    from accounts.models import RegistrationPolicy
    from privacy.middleware import stale_notices_for

    user, other = UserFactory(), UserFactory()
    accepted, withdrawn, elsewhere, old, untexted = (
        EventFactory(slug=slug) for slug in ("accepted", "withdrawn", "elsewhere", "old", "none")
    )
    for event in (accepted, withdrawn, elsewhere, old, untexted):
        RegistrationFactory(event=event, user=user)
    for event in (accepted, withdrawn, elsewhere, old):
        RegistrationPolicy.objects.create(
            event=event, privacy_notice_version="2", code_of_conduct_version="1"
        )
    for event, version in ((accepted, "2"), (withdrawn, "2"), (old, "1")):
        Consent.objects.create(event=event, user=user, document="privacy_notice", version=version)
        Consent.objects.create(event=event, user=user, document="code_of_conduct", version="1")
    Consent.objects.filter(event=withdrawn, document="privacy_notice").update(
        withdrawn_at=timezone.now()
    )
    Consent.objects.create(event=elsewhere, user=other, document="privacy_notice", version="2")
    Consent.objects.create(event=elsewhere, user=other, document="code_of_conduct", version="1")

    assert stale_notices_for(user) == ["elsewhere", "old", "withdrawn"]
    assert stale_notices_for(other) == []
