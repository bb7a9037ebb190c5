"""Accessibility of the web client in the system Chromium against a real daphne (BITV 2.0, WCAG 2.1 AA).

One server and one browser for the module. ``crawl`` visits every page of the web client for each
role in German and English once, and on each page runs axe-core (vendored in tests/vendor/axe-core,
tags wcag2a, wcag2aa, wcag21a, wcag21aa), checks that every ``aria-describedby`` names an element
that exists and that the page fits 320 px without horizontal scrolling. The interaction tests run
axe again after each action (question asked, vote, form error, message received) and add their
rows to the same table, which is printed at the end of the module and written to
``$A11Y_TABLE`` (default: the module's temporary directory).
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.servers import browser_server, chromium

pytestmark = pytest.mark.browser

TIMEOUT = 15_000
AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = 320
LANGUAGES = ("de", "en")

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from accessibility.models import Captioner, RoomMedia, Statement
from congress.models import Event, Poll, PollOption, Registration, Room, Session, Speaker, Track
from conversations import services as conversations
from expo.models import Exhibitor, ExhibitorStaff
from matchmaking.models import Meeting, MeetingSlot, Profile, Tag

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
                             is_published=True)
room = Room.objects.create(event=event, name="Hauptbühne",
                           stream_url="https://stream.example.org/hauptbuehne.m3u8")
RoomMedia.objects.create(room=room, captions_url="https://captions.example.org/hauptbuehne.vtt",
                         sign_language_url="https://stream.example.org/dgs.m3u8")
track = Track.objects.create(event=event, name="Verwaltung digital", color="#8a3ffc")
now = timezone.now()
session = Session.objects.create(event=event, room=room, track=track, title="Datenräume für Kommunen",
                                 abstract="Wie Städte ihre Daten teilen.\\n\\nEin Überblick.",
                                 start=now - timedelta(minutes=10), end=now + timedelta(minutes=50),
                                 state=Session.State.LIVE)
later = Session.objects.create(event=event, room=room, title="Barrierefreie Bürgerportale",
                               start=now + timedelta(hours=2), end=now + timedelta(hours=3))
speaker = Speaker.objects.create(event=event, name="Dr. Maximiliane Leutheusser-Schnarrenberger",
                                 organisation="Landesamt für Digitalisierungsangelegenheiten",
                                 bio="Leitet seit 2019 das Referat Datenstrategie.")
session.speakers.add(speaker)
Statement.objects.create(event=event, conformance="partial", body="Wir arbeiten daran.",
                         known_limits="Aufzeichnungen ohne Untertitel: bis Ende 2026.",
                         contact_email="barrierefreiheit@example.org",
                         easy_language="Das ist die Digitale Stadt.\\n\\nSie ist im Internet.",
                         sign_language_video_url="https://video.example.org/dgs.mp4")
users = {}
people = (
    ("anna", "Anna", "attendee"), ("ben", "Ben", "attendee"), ("clara", "Clara", "attendee"),
    ("david", "David", "attendee"), ("orga", "Olga", "organizer"),
    ("aussteller", "Erik", "exhibitor"), ("kim", "Kim", "attendee"),
    ("max", "Maximiliane Leutheusser-Schnarrenberger-Wiedemann", "attendee"),
)
for name, first, role in people:
    users[name] = get_user_model().objects.create_user(name, password="treffpunkt", first_name=first)
    Registration.objects.create(event=event, user=users[name], role=role)
Captioner.objects.create(session=session, user=users["kim"])
for slug, tag in (("daseinsvorsorge", "Kommunalinfrastrukturdaseinsvorsorgeplanungsgesellschaften"),
                  ("open-data", "Open-Data-Plattform"), ("beratung", "Beratung")):
    Tag.objects.create(event=event, slug=slug, name=tag)
for name in ("anna", "ben", "clara", "david", "max"):
    Profile.objects.create(event=event, user=users[name], is_visible=True,
                           organisation="Zweckverband Elektronische Verwaltungsdienstleistungen",
                           organisation_type="municipality", offers=["daseinsvorsorge", "beratung"],
                           seeks=["open-data", "daseinsvorsorge"], interests=["daseinsvorsorge"],
                           bio="Kommunalinfrastrukturdaseinsvorsorgeplanung")
# Lena made her profile visible and chose mail under the platform's texts; the organizers have
# since written their own, so she is asked again at her next event page.
from accounts.models import Consent
from privacy.services import save_event_text
users["lena"] = get_user_model().objects.create_user("lena", password="treffpunkt", first_name="Lena")
Registration.objects.create(event=event, user=users["lena"], role="attendee")
Profile.objects.create(event=event, user=users["lena"], is_visible=True, organisation_type="county")
Consent.objects.create(event=event, user=users["lena"], document="matchmaking_visibility",
                       version="default", how="profile setting")
Consent.objects.create(event=event, user=users["lena"], document="mail_notifications",
                       scope="kind:session.reminder", version="default", how="preferences")
for language, body in (("de", "Ihr Profil sehen alle Angemeldeten der Digitalen Stadt."),
                       ("en", "Everyone registered for Digitale Stadt sees your profile.")):
    save_event_text(event=event, kind="matchmaking_visibility", language=language, body=body)
save_event_text(event=event, kind="mail_notifications", language="de",
                body="Wir schreiben Ihnen vor Ihren Sitzungen eine E-Mail.")
tomorrow = event.starts_at + timedelta(days=2)  # the event's last day: its slots are still ahead
for hour in (9, 10, 11, 14, 15):
    MeetingSlot.objects.create(event=event, start=tomorrow + timedelta(hours=hour),
                               end=tomorrow + timedelta(hours=hour, minutes=30))
Meeting.objects.create(event=event, requester=users["max"], invitee=users["anna"],
                       awaiting=users["anna"], start=tomorrow + timedelta(hours=9),
                       end=tomorrow + timedelta(hours=9, minutes=30), message="Hallo!")
conversation, _ = conversations.open_conversation(user=users["anna"], other=users["ben"], event=event)
conversations.send_conversation_message(user=users["ben"], conversation=conversation,
                                        text="Guten Morgen!", client_id="c1")
booth = Exhibitor.objects.create(event=event, name="Stadtwerk Daten AG", slug="stadtwerk-daten",
                                 tagline="Daten für die Daseinsvorsorge",
                                 status=Exhibitor.Status.PUBLISHED)
ExhibitorStaff.objects.create(exhibitor=booth, user=users["aussteller"], role=ExhibitorStaff.Role.ADMIN)
poll = Poll.objects.create(session=session, question="Nutzen Sie offene Daten?", state="open",
                           created_by=users["orga"])
for position, text in enumerate(("Ja", "Nein")):
    PollOption.objects.create(poll=poll, text=text, position=position)
print(json.dumps({"event": event.slug, "session": session.pk, "later": later.pk, "booth": booth.pk,
                  "conversation": conversation.pk,
                  "users": {name: user.pk for name, user in users.items()}}))
"""

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nHerzlich willkommen.\n"


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    directory = tmp_path_factory.mktemp("accessibility")
    # The crawl logs a handful of users in dozens of times and opens hundreds of pages from one
    # address within minutes: more log-ins, sockets and subscribes than the caps allow one client.
    limits = {
        "REALTIME_MAX_SOCKETS_PER_USER": "1000",
        "REALTIME_MAX_SOCKETS_PER_IP": "1000",
        "REALTIME_SUBSCRIBES_PER_USER": "10000",
        "REALTIME_SUBSCRIBES_PER_IP": "10000",
        "LOGIN_ATTEMPTS_PER_NAME": "1000",
        "LOGIN_ATTEMPTS_PER_IP": "1000",
    }
    with browser_server(database_templates, directory, SETUP, extra_env=limits) as (url, made):
        yield {"url": url, "dir": directory, **made}


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def table(server):
    """Rows (page, role, language, state) → violation count, printed and written at the end."""
    rows = {}
    yield rows
    lines = [
        "| page | role | language | state | violations |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (page, role, language, state), count in sorted(rows.items()):
        lines.append(f"| {page} | {role} | {language} | {state} | {count} |")
    total = sum(1 for count in rows.values() if count == 0)
    lines.append(f"\n{len(rows)} axe runs, {total} with 0 violations")
    text = "\n".join(lines)
    print("\n" + text)
    target = Path(os.environ.get("A11Y_TABLE") or server["dir"] / "axe-table.md")
    target.write_text(text + "\n")


def new_context(browser, server, language, *, width=1280):
    context = browser.new_context(
        locale="de-DE" if language == "de" else "en-GB",
        viewport={"width": width, "height": 900},
        bypass_csp=True,
    )
    context.set_default_timeout(TIMEOUT)
    host = server["url"].split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    )
    # Outside resources of the test data: the captions file is served, the streams are not.
    context.route(
        "https://captions.example.org/**",
        lambda route: route.fulfill(
            status=200,
            body=VTT,
            headers={"Content-Type": "text/vtt", "Access-Control-Allow-Origin": "*"},
        ),
    )
    context.route(
        re.compile(r"https://(stream|video)\.example\.org/.*"), lambda route: route.abort()
    )
    return context


def log_in(context, server, username):
    page = context.new_page()
    page.goto(f"{server['url']}/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill("treffpunkt")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def axe_violations(page):
    page.add_script_tag(content=AXE)
    return page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                  resultTypes: ["violations"]});
          return result.violations.map((v) => ({id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3)}));
        }""",
        TAGS,
    )


def missing_descriptions(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("[aria-describedby]")).flatMap((el) =>
             el.getAttribute("aria-describedby").split(/\\s+/).filter(Boolean)
               .filter((id) => !document.getElementById(id)).map((id) => `${el.id || el.tagName}→${id}`))"""
    )


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def settle(page, path):
    if "/sessions/" in path:
        page.locator("[data-live-panels]:not([hidden])").wait_for()
    elif "/messages/" in path and path.rstrip("/").split("/")[-1].isdigit():
        page.locator("[data-conversation-form]:not([hidden])").wait_for()


def pages_for(server, role):
    event = f"/events/{server['event']}"
    users = server["users"]
    public = [
        ("home", "/"),
        ("programme", f"{event}/"),
        ("session", f"{event}/sessions/{server['session']}/"),
        ("expo", f"{event}/expo/"),
        ("booth", f"{event}/expo/{server['booth']}/"),
        ("statement", f"{event}/accessibility/"),
        ("feedback", f"{event}/accessibility/feedback/"),
        ("easy-language", f"{event}/easy-language/"),
        ("statement (site)", "/accessibility/"),
        ("feedback (site)", "/accessibility/feedback/"),
        ("easy-language (site)", "/easy-language/"),
        ("privacy notice", f"{event}/datenschutz/"),
        ("imprint", f"{event}/impressum/"),
        ("privacy notice (site)", "/datenschutz/"),
        ("imprint (site)", "/impressum/"),
    ]
    attendee = [
        ("agenda", f"{event}/agenda/"),
        ("networking", f"{event}/networking/"),
        ("person", f"{event}/networking/{users['ben']}/"),
        ("report", f"{event}/networking/{users['ben']}/report/"),
        ("meetings", f"{event}/meetings/"),
        ("messages", f"{event}/messages/"),
        ("conversation", f"{event}/messages/{server['conversation']}/"),
        ("my data", "/me/"),
        ("join", f"{event}/join/"),
    ]
    if role == "anonymous":
        return [
            ("login", "/login/"),
            ("sign-up", "/accounts/signup/"),
            ("password-reset", "/accounts/password/reset/"),
            *public,
        ]
    if role == "attendee":
        return public + attendee
    if role == "organizer":
        return [
            ("session", f"{event}/sessions/{server['session']}/"),
            ("programme", f"{event}/"),
            ("statement", f"{event}/accessibility/"),
            ("statement-edit", f"{event}/accessibility/edit/"),
            ("networking", f"{event}/networking/"),
            ("control room", f"{event}/regie/"),
            ("back-office report", f"{event}/report/"),
            ("changes", f"{event}/changes/"),
            ("webhooks", f"{event}/webhooks/"),
            ("privacy-edit", f"{event}/datenschutz/bearbeiten/"),
            ("my data", "/me/"),
        ]
    if role == "exhibitor":
        return [
            ("booth", f"{event}/expo/{server['booth']}/"),
            ("booth-edit", f"{event}/expo/{server['booth']}/edit/"),
            ("leads", f"{event}/expo/{server['booth']}/leads/"),
            ("expo", f"{event}/expo/"),
        ]
    if role == "captioner":
        return [("session", f"{event}/sessions/{server['session']}/")]
    if role == "asked again":
        return [("consent again", f"{event}/datenschutz/zustimmen/")]
    raise AssertionError(role)


ROLES = {
    "anonymous": None,
    "attendee": "anna",
    "organizer": "orga",
    "exhibitor": "aussteller",
    "captioner": "kim",
    "asked again": "lena",
}


@pytest.fixture(scope="module")
def crawl(browser, server, table):
    """Every page × role × language on load: axe violations, missing descriptions, 320 px width."""
    found = {"axe": {}, "described": {}, "width": {}, "status": {}}
    for role, username in ROLES.items():
        for language in LANGUAGES:
            context = new_context(browser, server, language)
            page = log_in(context, server, username) if username else context.new_page()
            for name, path in pages_for(server, role):
                response = page.goto(f"{server['url']}{path}")
                key = (name, role, language)
                found["status"][key] = response.status
                if response.status != 200:
                    continue
                settle(page, path)
                violations = axe_violations(page)
                found["axe"][key] = violations
                table[(name, role, language, "load")] = len(violations)
                found["described"][key] = missing_descriptions(page)
                page.set_viewport_size({"width": NARROW, "height": 800})
                page.wait_for_timeout(50)
                found["width"][key] = page_width(page)
                page.set_viewport_size({"width": 1280, "height": 900})
            context.close()
    return found


def test_every_page_has_no_axe_violation_for_each_role_and_language(crawl):
    assert {key: status for key, status in crawl["status"].items() if status != 200} == {}
    failing = {key: value for key, value in crawl["axe"].items() if value}
    assert failing == {}
    assert len(crawl["axe"]) >= 60


def test_every_aria_describedby_names_an_existing_element(crawl):
    assert {key: value for key, value in crawl["described"].items() if value} == {}


def test_every_page_fits_320_px_without_horizontal_scrolling(crawl):
    assert {key: width for key, width in crawl["width"].items() if width > NARROW} == {}


def test_networking_page_screenshots_at_320_px(browser, server):
    """The networking page with long German names and tags, kept for docs/img/."""
    context = new_context(browser, server, "de", width=NARROW)
    page = log_in(context, server, "anna")
    page.goto(f"{server['url']}/events/{server['event']}/networking/")
    target = Path(os.environ.get("A11Y_SCREENSHOTS") or server["dir"])
    page.screenshot(path=str(target / "networking-320-after.png"), full_page=True)
    assert page_width(page) <= NARROW
    context.close()


# -- after interactions ----------------------------------------------------------------------


def record(table, page, name, role, language, state):
    violations = axe_violations(page)
    table[(name, role, language, state)] = len(violations)
    return violations


def announced(page):
    return page.locator("[data-announcer]")


def focused(page):
    return page.evaluate(
        """() => { const el = document.activeElement;
                   return el ? (el.id || el.dataset.testName || el.className || el.tagName) : null; }"""
    )


def tab_to(page, predicate, *, limit=120, backwards=False):
    """Press Tab until ``predicate`` (JS, gets the active element) holds; the keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(
            f"() => {{ const el = document.activeElement; return Boolean({predicate}); }}"
        ):
            return
    raise AssertionError(f"never reached {predicate}")


JOURNEY = {
    "de": {
        "user": "anna",
        "other": "clara",
        "username": "Benutzername",
        "live": "Live",
        "ask": "Fragen",
        "vote": "Abstimmen",
        "question_sent": "Ihre Frage wurde gestellt.",
        "new_question": "Neue Frage:",
        "results": "Abstimmungsergebnis:",
        "request": "Anfrage senden",
        "received": "Ben: ",
    },
    "en": {
        "user": "ben",
        "other": "david",
        "username": "Username",
        "live": "Live",
        "ask": "Ask",
        "vote": "Vote",
        "question_sent": "Your question has been sent.",
        "new_question": "New question:",
        "results": "Poll results:",
        "request": "Send request",
        "received": "Anna: ",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyboard_journey_keeps_the_focus_and_announces(browser, server, table, language):
    from playwright.sync_api import expect

    words = JOURNEY[language]
    base = server["url"]
    event = f"/events/{server['event']}"
    session_path = f"{event}/sessions/{server['session']}/"
    other = new_context(browser, server, language)
    watcher = log_in(other, server, words["other"])
    watcher.goto(f"{base}{session_path}")
    settle(watcher, session_path)

    context = new_context(browser, server, language)
    page = context.new_page()
    # Log in with the keyboard: the skip link, the fields, Enter.
    page.goto(f"{base}/login/?next={event}/")
    tab_to(page, "el.id === 'id_login'")
    page.keyboard.type(words["user"])
    page.keyboard.press("Tab")
    assert focused(page) == "id_password"
    page.keyboard.type("treffpunkt")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{event}/")

    # Today's live session from the programme.
    tab_to(page, f"el.matches('a[href=\"{session_path}\"]')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{session_path}")
    settle(page, session_path)

    # Chat: type, Enter; the focus stays in the field.
    tab_to(page, "el.id === 'chat-text'")
    page.keyboard.type(f"Hallo aus {language}")
    page.keyboard.press("Enter")
    expect(page.locator("[data-chat-list] .chat-message__text").last).to_have_text(
        f"Hallo aus {language}"
    )
    assert focused(page) == "chat-text"

    # Ask: the text, Tab to the button, Enter; the focus returns to the field, the others hear it.
    tab_to(page, "el.id === 'question-text'")
    question = f"Welche Daten zuerst? ({language})"
    page.keyboard.type(question)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("[data-question-list] .question__text", has_text=question)).to_be_visible()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'question-text'"
    )
    expect(announced(page)).to_contain_text(words["question_sent"])
    expect(announced(watcher)).to_contain_text(f"{words['new_question']} {question}")
    record(table, page, "session", "attendee", language, "question asked")
    record(table, watcher, "session", "attendee", language, "question received")

    # Vote: a radio button, Space, Tab to the button, Enter; the focus lands on the poll.
    tab_to(page, "el.type === 'radio'")
    page.keyboard.press("Space")
    tab_to(page, f"el.textContent.trim() === '{words['vote']}'")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('li.poll')"
    )
    expect(announced(page)).to_contain_text(words["results"])
    expect(announced(page)).to_contain_text("Ja")
    record(table, page, "session", "attendee", language, "voted")

    # Request a meeting on a person's page: a failed submit lands on the error summary.
    person = f"{event}/networking/{server['users'][words['other']]}/"
    page.goto(f"{base}{person}")
    tab_to(page, f"el.textContent.trim() === '{words['request']}'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-error-summary]')"
    )
    assert missing_descriptions(page) == []
    record(table, page, "person", "attendee", language, "form error")
    tab_to(page, "el.id === 'id_slot'")
    page.keyboard.press("ArrowDown")
    tab_to(page, f"el.textContent.trim() === '{words['request']}'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-messages]')"
    )
    record(table, page, "person", "attendee", language, "meeting requested")
    context.close()
    other.close()


def test_a_message_received_in_a_conversation_is_announced_once(browser, server, table):
    from playwright.sync_api import expect

    path = f"/events/{server['event']}/messages/{server['conversation']}/"
    for language in LANGUAGES:
        anna_context = new_context(browser, server, language)
        anna = log_in(anna_context, server, "anna")
        anna.goto(f"{server['url']}{path}")
        settle(anna, path)
        # The history loads silently.
        anna.wait_for_timeout(300)
        assert announced(anna).inner_text().strip() == ""
        ben_context = new_context(browser, server, language)
        ben = log_in(ben_context, server, "ben")
        ben.goto(f"{server['url']}{path}")
        settle(ben, path)
        ben.locator("#conversation-text").fill(f"Bis gleich ({language})")
        ben.locator("#conversation-text").press("Enter")
        expect(announced(anna)).to_contain_text(f"Ben: Bis gleich ({language})")
        assert focused(ben) == "conversation-text"
        record(table, anna, "conversation", "attendee", language, "message received")
        anna_context.close()
        ben_context.close()


def test_feedback_form_error_and_confirmation(browser, server, table):
    from playwright.sync_api import expect

    for language in LANGUAGES:
        context = new_context(browser, server, language)
        page = context.new_page()
        page.goto(f"{server['url']}/events/{server['event']}/accessibility/feedback/?from=/events/")
        page.locator(".feedback-form button[type=submit]").click()
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.matches('[data-error-summary]')"
        )
        assert (
            page.locator("#id_message").get_attribute("aria-describedby")
            == "id_message_helptext id_message_error"
        )
        assert missing_descriptions(page) == []
        record(table, page, "feedback", "anonymous", language, "form error")
        page.locator("#id_message").fill("Der Kontrast der Karte ist zu schwach.")
        page.locator(".feedback-form button[type=submit]").click()
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.matches('[data-messages]')"
        )
        expect(page.locator("[data-messages]")).to_be_visible()
        record(table, page, "statement", "anonymous", language, "feedback sent")
        context.close()


def test_captions_reach_two_viewers_within_a_second_and_the_player_options_work(browser, server):
    from playwright.sync_api import expect

    path = f"/events/{server['event']}/sessions/{server['session']}/"
    viewers = []
    for username in ("anna", "ben"):
        context = new_context(browser, server, "de")
        page = log_in(context, server, username)
        page.goto(f"{server['url']}{path}")
        settle(page, path)
        viewers.append((context, page))
    captioner_context = new_context(browser, server, "de")
    captioner = log_in(captioner_context, server, "kim")
    captioner.goto(f"{server['url']}{path}")
    settle(captioner, path)
    assert viewers[0][1].locator("[data-caption-form]").count() == 0

    captioner.locator("#caption-text").fill("Willkommen zur Session über Datenräume.")
    sent = time.monotonic()
    captioner.locator("#caption-text").press("Enter")
    for _context, page in viewers:
        page.locator("[data-caption-overlay]", has_text="Willkommen zur Session").wait_for(
            timeout=1000
        )
    assert time.monotonic() - sent < 1.5
    for page in (*(page for _context, page in viewers), captioner):
        # One line, with its time in the event's time zone (24 hours).
        expect(page.locator("[data-transcript] li")).to_have_text(
            [re.compile(r"^\d\d:\d\d Willkommen zur Session über Datenräume\.$")]
        )
    # The captioner's own cue comes back as reply and as push; it shows once.
    expect(captioner.locator("[data-caption-overlay]")).to_have_text(
        "Willkommen zur Session über Datenräume."
    )

    page = viewers[0][1]
    # The room's WebVTT file becomes a track of the stage video and loads.
    page.wait_for_function(
        "() => { const t = document.querySelector('[data-stage-video] track'); return t && t.readyState === 2; }"
    )
    assert (
        page.evaluate(
            "() => document.querySelector('[data-stage-video]').textTracks[0].cues.length"
        )
        == 1
    )
    # The interpreter's video beside the stage, on request.
    toggle = page.locator("[data-sign-language-toggle]")
    expect(page.locator("[data-sign-language]")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-sign-language]")).to_be_visible()
    toggle.click()
    expect(page.locator("[data-sign-language]")).to_be_hidden()
    # Audio only hides the stage video.
    page.locator("[data-audio-only-toggle]").click()
    expect(page.locator("[data-stage-video]")).to_be_hidden()

    # A late viewer finds the cue in the transcript.
    late_context = new_context(browser, server, "en")
    late = log_in(late_context, server, "clara")
    late.goto(f"{server['url']}{path}")
    settle(late, path)
    expect(late.locator("[data-transcript] li")).to_contain_text(
        ["Willkommen zur Session über Datenräume."]
    )
    for context in [*(context for context, _page in viewers), captioner_context, late_context]:
        context.close()


def test_a_busy_chat_is_collapsed_muting_silences_it_and_reactions_are_named(browser, server):
    from playwright.sync_api import expect

    path = f"/events/{server['event']}/sessions/{server['session']}/"
    context = new_context(browser, server, "de")
    page = log_in(context, server, "david")
    page.goto(f"{server['url']}{path}")
    settle(page, path)
    announcer = announced(page)

    # Ten chat messages at once: one summary instead of ten messages.
    page.evaluate(
        """async () => {
          const { announce } = await import("/static/web/lib/announce.js");
          for (let n = 1; n <= 10; n++) announce(`Ben: Nachricht ${n}`, { kind: "chat" });
        }"""
    )
    expect(announcer).to_contain_text("Weitere neue Chat-Nachrichten: 10", timeout=5000)
    assert "Nachricht" not in announcer.inner_text().replace("Chat-Nachrichten", "")

    # Muted: chat is no longer said, other updates still are.
    page.get_by_label("Neue Chat-Beiträge vorlesen").uncheck()
    page.evaluate(
        """async () => {
          const { announce } = await import("/static/web/lib/announce.js");
          announce("Ben: still", { kind: "chat" });
          announce("Neue Frage: laut");
        }"""
    )
    expect(announcer).to_contain_text("Neue Frage: laut")
    assert "Ben: still" not in announcer.inner_text()

    # Reaction buttons: the emoji is shown, the name is said, the sent one is pressed.
    applause = page.get_by_role("button", name="Applaus")
    expect(applause).to_have_attribute("aria-pressed", "false")
    applause.click()
    expect(applause).to_have_attribute("aria-pressed", "true")
    expect(applause).to_have_attribute("aria-pressed", "false", timeout=5000)
    context.close()


def test_a_session_state_change_is_announced(browser, server):
    from playwright.sync_api import expect

    path = f"/events/{server['event']}/sessions/{server['later']}/"
    viewer_context = new_context(browser, server, "de")
    viewer = log_in(viewer_context, server, "clara")
    viewer.goto(f"{server['url']}{path}")
    settle(viewer, path)
    orga_context = new_context(browser, server, "de")
    orga = log_in(orga_context, server, "orga")
    token = next(c["value"] for c in orga_context.cookies() if c["name"] == "csrftoken")

    response = orga.request.post(
        f"{server['url']}/api/v1/events/{server['event']}/sessions/{server['later']}/state/",
        data={"state": "live"},
        headers={"X-CSRFToken": token, "Referer": server["url"] + path},
    )

    assert response.status == 200, response.text()
    expect(announced(viewer)).to_contain_text("Status der Session: Live")
    viewer_context.close()
    orga_context.close()


def test_a_changed_consent_text_is_answered_by_keyboard_one_choice_at_a_time(
    browser, server, table
):
    """Lena is asked about both changed texts; she hides her profile and keeps the mails, with
    the keyboard, and each state of the page passes axe."""
    context = new_context(browser, server, "de")
    page = log_in(context, server, "lena")
    event = f"{server['url']}/events/{server['event']}"
    page.goto(f"{event}/")
    assert "/datenschutz/zustimmen/" in page.url
    assert page.get_by_role("heading", name="Sichtbar im Matchmaking").is_visible()
    assert page.get_by_text("Ihr Profil sehen alle Angemeldeten der Digitalen Stadt.").is_visible()

    hide = page.get_by_role("button", name="Mein Profil verbergen")
    hide.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Still asked about the mails, and only about them.
    assert "/datenschutz/zustimmen/" in page.url
    assert page.get_by_role("heading", name="Sichtbar im Matchmaking").count() == 0
    violations = axe_violations(page)
    table[("consent again", "asked again", "de", "after hiding the profile")] = len(violations)
    assert violations == []

    keep = page.get_by_role("button", name="Zustimmen und weiter E-Mails erhalten")
    keep.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{event}/"
    page.goto(f"{event}/networking/")
    assert page.locator(".profile-state").inner_text().strip() == "Ausgeblendet"
    context.close()
