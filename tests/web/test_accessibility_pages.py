"""Accessibility of the rendered pages (test client): the footer, the language switch, messages,
form errors linked to their fields, the statement, feedback and Leichte Sprache pages, dates and
the language of the content."""

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import html

from accessibility.models import Feedback, Statement
from congress.models import Registration
from matchmaking.models import MeetingSlot
from tests.factories import EventFactory, RegistrationFactory, SessionFactory, UserFactory
from tests.matchmaking.factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    today = timezone.localdate()
    return EventFactory(
        slug="digitale-stadt",
        name="Digitale Stadt 2026",
        start_date=today,
        end_date=today + timedelta(days=1),
    )


@pytest.fixture
def session(event):
    return SessionFactory(event=event, title="Datenräume für Kommunen")


def member(event, username, role=Registration.Role.ATTENDEE):
    user = UserFactory(username=username, first_name=username.title())
    RegistrationFactory(event=event, user=user, role=role)
    ProfileFactory(event=event, user=user, is_visible=True)
    return user


@pytest.fixture
def anna(event):
    return member(event, "anna")


@pytest.fixture
def ben(event):
    return member(event, "ben")


@pytest.fixture
def orga(event):
    return member(event, "orga", Registration.Role.ORGANIZER)


def page_of(response):
    return html.fromstring(response.content)


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def missing_descriptions(tree):
    ids = set(tree.xpath("//@id"))
    return [
        name
        for element in tree.xpath("//*[@aria-describedby]")
        for name in element.get("aria-describedby").split()
        if name not in ids
    ]


def footer_links(tree):
    return [link.get("href").split("?")[0] for link in tree.xpath("//footer//a")]


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_links_statement_feedback_and_leichte_sprache_in_its_footer(
    client, event, session, anna, language
):
    client.force_login(anna)
    if language == "en":
        english(client)
    base = f"/events/{event.slug}"
    for path in (
        f"{base}/",
        f"{base}/sessions/{session.pk}/",
        f"{base}/agenda/",
        f"{base}/expo/",
        f"{base}/networking/",
        f"{base}/meetings/",
        f"{base}/messages/",
        f"{base}/accessibility/",
        f"{base}/accessibility/feedback/",
        f"{base}/easy-language/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert footer_links(page_of(response))[:4] == [
            f"{base}/accessibility/",
            f"{base}/accessibility/feedback/",
            f"{base}/easy-language/",
            f"{base}/easy-language/#dgs",
        ], path
    for path in ("/login/", "/accessibility/", "/easy-language/", "/accessibility/feedback/"):
        client.logout()
        assert footer_links(page_of(client.get(path)))[:3] == [
            "/accessibility/",
            "/accessibility/feedback/",
            "/easy-language/",
        ]


def test_language_buttons_are_named_by_their_visible_text_first(client, event):
    tree = page_of(client.get(f"/events/{event.slug}/"))

    buttons = tree.xpath("//form[@class='language-switch']/button")

    assert [button.text_content() for button in buttons] == ["DE – Deutsch", "EN – English"]
    assert [button.get("aria-label") for button in buttons] == [None, None]
    assert [button.get("aria-pressed") for button in buttons] == ["true", "false"]


def test_messages_keep_their_list_and_sit_in_one_status_region(client, event, session, anna):
    client.force_login(anna)
    client.post(f"/events/{event.slug}/sessions/{session.pk}/favourite/", {"action": "add"})

    tree = page_of(client.get(f"/events/{event.slug}/sessions/{session.pk}/"))

    (region,) = tree.xpath("//*[@data-messages]")
    assert (region.tag, region.get("role"), region.get("tabindex")) == ("div", "status", "-1")
    (messages,) = region.xpath("./ul")
    assert messages.get("role") is None
    assert len(messages.xpath("./li")) == 1


def test_a_failed_meeting_request_links_its_errors_and_names_them_above(client, event, anna, ben):
    MeetingSlot.objects.create(
        event=event,
        start=event.starts_at + timedelta(days=1, hours=10),
        end=event.starts_at + timedelta(days=1, hours=10, minutes=30),
    )
    client.force_login(anna)

    response = client.post(
        f"/events/{event.slug}/networking/{ben.pk}/", {"slot": "", "message": "x" * 1001}
    )

    assert response.status_code == 400
    tree = page_of(response)
    assert missing_descriptions(tree) == []
    (select,) = tree.xpath("//select[@id='id_slot']")
    assert select.get("aria-describedby") == "id_slot_error"
    assert select.get("aria-invalid") == "true"
    (location,) = tree.xpath("//input[@id='id_location']")
    assert location.get("aria-describedby") == "id_location_helptext"
    (message,) = tree.xpath("//textarea[@id='id_message']")
    assert message.get("aria-describedby") == "id_message_error"
    (summary,) = tree.xpath("//*[@data-error-summary]")
    assert summary.get("tabindex") == "-1"
    assert [link.get("href") for link in summary.xpath(".//a")] == ["#id_slot", "#id_message"]


@pytest.mark.parametrize(
    "path",
    [
        "/events/{slug}/networking/",
        "/events/{slug}/networking/{ben}/",
        "/events/{slug}/networking/{ben}/report/",
        "/events/{slug}/meetings/",
        "/events/{slug}/accessibility/feedback/",
        "/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_every_aria_describedby_names_an_element_on_the_page(client, event, anna, ben, path):
    client.force_login(anna)
    url = path.format(slug=event.slug, ben=ben.pk)
    if not url.startswith("/events/"):
        client.logout()

    shown = client.get(url)
    failed = client.post(url, {"bio": "x" * 600, "reason": "", "message": "", "login": ""})

    assert missing_descriptions(page_of(shown)) == []
    if failed.status_code != 405:
        assert missing_descriptions(page_of(failed)) == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_feedback_reaches_the_organizers(client, event, anna, orga, language):
    if language == "en":
        english(client)

    refused = client.post(f"/events/{event.slug}/accessibility/feedback/", {"message": " "})
    sent = client.post(
        f"/events/{event.slug}/accessibility/feedback/",
        {"message": "Der Kontrast ist zu schwach.", "page": f"/events/{event.slug}/expo/"},
    )

    assert refused.status_code == 400
    assert sent.status_code == 302
    (feedback,) = Feedback.objects.all()
    assert (feedback.event, feedback.message, feedback.page) == (
        event,
        "Der Kontrast ist zu schwach.",
        f"/events/{event.slug}/expo/",
    )
    client.force_login(orga)
    listed = client.get(f"/api/v1/events/{event.slug}/accessibility-feedback/")
    assert [item["message"] for item in listed.json()["results"]] == [
        "Der Kontrast ist zu schwach."
    ]
    client.force_login(anna)
    assert client.get(f"/api/v1/events/{event.slug}/accessibility-feedback/").status_code == 403


def test_organizers_edit_the_statement_and_attendees_may_not(client, event, anna, orga):
    client.force_login(anna)
    refused = client.post(
        f"/events/{event.slug}/accessibility/edit/", {"conformance": "full", "body": "Alles gut."}
    )
    assert refused.status_code == 403
    assert Statement.objects.count() == 0

    client.force_login(orga)
    saved = client.post(
        f"/events/{event.slug}/accessibility/edit/",
        {
            "conformance": "partial",
            "body": "Wir arbeiten daran.",
            "known_limits": "Aufzeichnungen ohne Untertitel\nPDFs der Aussteller",
            "easy_language": "Das ist die Digitale Stadt.",
        },
    )

    assert saved.status_code == 302
    tree = page_of(client.get(f"/events/{event.slug}/accessibility/"))
    assert tree.xpath("//*[@data-conformance]/@data-conformance") == ["partial"]
    assert "mit der BITV 2.0 teilweise vereinbar" in tree.text_content()
    easy = page_of(client.get(f"/events/{event.slug}/easy-language/"))
    assert easy.xpath("//div[@lang='de']//p/text()") == ["Das ist die Digitale Stadt."]


@pytest.mark.parametrize("language", ["de", "en"])
def test_statement_and_leichte_sprache_exist_in_both_languages(client, event, language):
    if language == "en":
        english(client)

    statement = page_of(client.get(f"/events/{event.slug}/accessibility/"))
    easy = page_of(client.get(f"/events/{event.slug}/easy-language/"))

    assert statement.xpath("//html/@lang") == [language]
    assert (
        statement.xpath("//h1")[0].text_content()
        == {
            "de": "Erklärung zur Barrierefreiheit",
            "en": "Accessibility statement",
        }[language]
    )
    assert easy.xpath("//h1/span[@lang='de']/text()") == ["Leichte Sprache"]
    assert easy.xpath("//h2[@id='dgs']")


def test_english_dates_are_day_first_and_content_is_marked_german(client, event, session):
    english(client)

    tree = page_of(client.get(f"/events/{event.slug}/"))

    day = event.start_date
    assert tree.xpath("//*[@class='tab__date']/text()")[0] == day.strftime("%-d %b %Y")
    (title,) = tree.xpath("//h4[contains(@class, 'session__title')]")
    assert title.get("lang") == "de"
    german = page_of(client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="de"))
    assert german.xpath("//h4[contains(@class, 'session__title')]/@lang") in ([], ["de"])


def test_german_pages_do_not_mark_german_content(client, event, session):
    tree = page_of(client.get(f"/events/{event.slug}/sessions/{session.pk}/"))

    assert tree.xpath("//h1/@lang") == []
    assert tree.xpath("//html/@lang") == ["de"]
