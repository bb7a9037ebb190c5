"""The stage player and the control room in the system Chromium against a real daphne.

* An HLS stream (tests/web/fixtures/hls, served by a small HTTP server of this module) plays
  through the vendored hls.js: hls.js attaches and the video's time advances.
* An embedded player loads nothing from its provider before the privacy click.
* The organizers change a playing room's stream in the control room: the open player switches to
  it without a reload (HLS to an MP4 file, which plays natively), then to an embed, again behind the
  privacy step.
* A DASH stream, which Chromium cannot play natively, shows a note and its address instead of a
  dead player.
* The control room moves a session and then cancels it with a note; an attendee's open programme
  and session page show the new room and time within a second, then "abgesagt" with the note,
  without a reload (and the note again after one).
"""

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.servers import browser_server, chromium, logged_in_page

pytestmark = pytest.mark.browser

TIMEOUT = 10_000
NOTE = "Der Vortrag entfällt wegen Krankheit."
# hls/ (the HLS stream) and mp4/ (the same clip as one MP4 file), served over HTTP by this module.
MEDIA_FIXTURES = Path(__file__).with_name("fixtures")

SETUP = """
import json
from datetime import datetime, time, timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from congress.models import Event, Registration, Room, Session
from stage.models import StageSettings

today = timezone.localdate()
event = Event.objects.create(slug="digitale-stadt", acronym="ds2026", name="Digitale Stadt 2026",
                             start_date=today, end_date=today + timedelta(days=1), is_published=True)
StageSettings.objects.create(event=event, embed_providers=["youtube"])
hall = Room.objects.create(event=event, name="Hauptbühne", position=1, stream_url="{hls_url}")
forum = Room.objects.create(event=event, name="Forum", position=2,
                            stream_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
now = timezone.now()
live = Session.objects.create(event=event, room=hall, title="Datenräume für Kommunen",
                              start=now - timedelta(minutes=10), end=now + timedelta(minutes=20),
                              state=Session.State.LIVE)
embedded = Session.objects.create(event=event, room=forum, title="Offene Verwaltung",
                                  start=now - timedelta(minutes=10), end=now + timedelta(minutes=20))
local = lambda hour: datetime.combine(today + timedelta(days=1), time(hour), tzinfo=event.tz)
moving = Session.objects.create(event=event, room=hall, title="Smart City ohne Hype",
                                start=local(9), end=local(10))
# A room whose stream the organizers change while it plays, and a DASH stream.
studio = Room.objects.create(event=event, name="Studio", position=3, stream_url="{hls_url}")
switching = Session.objects.create(event=event, room=studio, title="Daten im Katastrophenschutz",
                                   start=now - timedelta(minutes=10),
                                   end=now + timedelta(minutes=20), state=Session.State.LIVE)
archive = Room.objects.create(event=event, name="Archiv", position=4,
                              stream_url="https://cdn.example.org/archiv/manifest.mpd")
dash = Session.objects.create(event=event, room=archive, title="Rückblick 2025",
                              start=now - timedelta(minutes=10), end=now + timedelta(minutes=20))
for name, first, role in (("anna", "Anna", "attendee"), ("orga", "Olga", "organizer")):
    user = get_user_model().objects.create_user(name, password="treffpunkt", first_name=first)
    Registration.objects.create(event=event, user=user, role=role)
print(json.dumps({"event": event.slug, "live": live.pk, "embedded": embedded.pk,
                  "moving": moving.pk, "day": (today + timedelta(days=1)).isoformat(),
                  "switching": switching.pk, "studio": studio.pk, "dash": dash.pk}))
"""


class CorsHandler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def hls_server():
    handler = functools.partial(CorsHandler, directory=str(MEDIA_FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    directory = tmp_path_factory.mktemp("stage")
    with hls_server() as hls_url:
        setup = SETUP.replace("{hls_url}", f"{hls_url}/hls/stream.m3u8")
        with browser_server(database_templates, directory, setup) as (url, made):
            yield {"url": url, "media": hls_url, **made}


@pytest.fixture
def browser(server):
    with chromium() as browser:
        yield browser


def session_path(server, key):
    return f"/events/{server['event']}/sessions/{server[key]}/"


def test_hls_stream_plays_through_hls_js(browser, server):
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server["url"] + session_path(server, "live"))

    page.wait_for_function("window.treffpunktStage && window.treffpunktStage.mode === 'hls.js'")
    page.evaluate(
        "() => { const v = window.treffpunktStage.video; v.muted = true; return v.play(); }"
    )
    page.wait_for_function("window.treffpunktStage.video.currentTime > 1")

    state = page.evaluate(
        """() => ({
            attached: window.treffpunktStage.hls.media === window.treffpunktStage.video,
            blob: window.treffpunktStage.video.currentSrc.startsWith("blob:"),
            mode: document.querySelector("[data-stage]").dataset.stageMode,
        })"""
    )
    assert state == {"attached": True, "blob": True, "mode": "hls.js"}
    context.close()


def test_embed_loads_only_after_the_privacy_click(browser, server):
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    third_party = []

    def record(route):
        third_party.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>Player</p>")

    page.route("**/*youtube*/**", record)
    page.route("**/*youtube*", record)
    page.goto(server["url"] + session_path(server, "embedded"))

    consent = page.locator("[data-stage-consent]")
    assert "YouTube" in consent.inner_text()
    assert page.locator("iframe").count() == 0
    assert third_party == []

    page.locator("[data-stage-load]").click()

    frame = page.locator("iframe.stage__frame")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    page.wait_for_function(
        "document.querySelector('iframe.stage__frame').contentDocument !== undefined"
    )
    page.wait_for_timeout(300)
    assert third_party == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"]
    context.close()


def test_control_room_move_then_cancel_reaches_an_open_programme_and_session_page(browser, server):
    from playwright.sync_api import expect

    base = server["url"]
    programme_path = f"/events/{server['event']}/"
    # bypass_csp: wait_for_function polls with eval, which the site's CSP refuses (tests/servers.py).
    attendee_session = logged_in_page(
        browser, base, session_path(server, "moving"), "anna", timeout=TIMEOUT, bypass_csp=True
    )
    attendee_programme = attendee_session.context.new_page()
    attendee_programme.goto(f"{base}{programme_path}#day-{server['day']}")
    orga = logged_in_page(
        browser,
        base,
        f"/events/{server['event']}/regie/?day={server['day']}",
        "orga",
        timeout=TIMEOUT,
        bypass_csp=True,
    )
    for page in (attendee_session, attendee_programme):
        page.wait_for_function(
            "[window.treffpunktLive, window.treffpunktProgramme].some((h) => h && h.client.ready)"
        )
    orga.wait_for_function(
        "window.treffpunktControlRoom && window.treffpunktControlRoom.client.ready"
    )

    cue = orga.locator(f"#session-{server['moving']}")
    # The control room's strings are not in the catalogue yet: its controls are found by name.
    cue.locator("details.cue__move summary").click()
    cue.locator("select[name$='-room']").select_option(label="Forum")
    cue.locator("input[name$='-start']").fill("14:30")
    cue.locator("input[name$='-end']").fill("15:30")
    with orga.expect_navigation():
        cue.locator("button[data-action='move']").click()

    header = attendee_session.locator("[data-session-header]")
    expect(header.locator('[data-slot="room"]')).to_have_text("Forum", timeout=1000)
    expect(header.locator('[data-slot="start"]')).to_have_text("14:30", timeout=1000)
    notice = attendee_session.locator("[data-live-notice]")
    expect(notice).to_contain_text("verschoben", timeout=1000)
    expect(notice).to_contain_text("Forum", timeout=1000)
    expect(notice).to_contain_text("15:30", timeout=1000)

    card = attendee_programme.locator(f"[data-session='{server['moving']}']")
    expect(card.locator("time").first).to_have_text("14:30", timeout=1000)
    forum_column = attendee_programme.locator(
        f"[data-day='{server['day']}'] .room", has_text="Forum"
    )
    expect(forum_column.locator(f"[data-session='{server['moving']}']")).to_have_count(
        1, timeout=1000
    )
    programme_notice = attendee_programme.locator("[data-programme-notices]")
    expect(programme_notice).to_contain_text("Forum", timeout=1000)
    expect(programme_notice).to_contain_text("14:30", timeout=1000)
    # Said through the page's one announcer, not a live region of its own.
    expect(attendee_programme.locator("[data-announcer]")).to_contain_text("Forum", timeout=3000)

    cue = orga.locator(f"#session-{server['moving']}")
    cue.locator("details.cue__cancel summary").click()
    cue.locator("textarea[name='cancellation_note']").fill(NOTE)
    with orga.expect_navigation():
        cue.locator("button[data-action='cancel']").click()

    expect(notice).to_contain_text("abgesagt", timeout=1000)
    expect(notice).to_contain_text(NOTE, timeout=1000)
    expect(notice).not_to_contain_text("verschoben")
    expect(programme_notice.locator("[data-notice-kind='cancelled']")).to_have_count(
        1, timeout=1000
    )
    expect(programme_notice).to_contain_text(NOTE, timeout=1000)
    expect(card.locator(".badge--cancelled")).to_have_text("Abgesagt", timeout=1000)
    expect(card.locator("[data-cancellation-note]")).to_have_text(NOTE, timeout=1000)
    expect(header.locator('[data-header-state="cancelled"]')).to_be_visible()
    expect(header.locator("[data-header-cancellation]")).to_contain_text(NOTE)

    # After a reload both pages still say it, from the stored note.
    attendee_session.reload()
    expect(attendee_session.locator("[data-header-cancellation]")).to_contain_text(
        f"Diese Sitzung wurde abgesagt. {NOTE}"
    )
    attendee_programme.reload()
    expect(
        attendee_programme.locator(f"[data-session='{server['moving']}'] [data-cancellation-note]")
    ).to_have_text(NOTE)


def test_organizer_mutes_a_chat_author_from_the_session_page(browser, server):
    from playwright.sync_api import expect

    path = session_path(server, "live")
    anna = logged_in_page(browser, server["url"], path, "anna", timeout=TIMEOUT, bypass_csp=True)
    orga = logged_in_page(browser, server["url"], path, "orga", timeout=TIMEOUT, bypass_csp=True)
    anna.get_by_label("Nachricht").fill("Hallo aus dem Publikum")
    anna.get_by_role("button", name="Senden").click()

    message = orga.locator("[data-chat-list] .chat-message", has_text="Hallo aus dem Publikum")
    expect(message.locator("[data-action='ban-author']")).to_be_visible()
    expect(anna.locator("[data-chat-list] [data-action='mute-author']")).to_be_hidden()
    message.locator("[data-action='mute-author']").click()

    expect(message.locator("[data-done='mute-author']")).to_be_visible()
    expect(anna.get_by_role("button", name="Senden")).to_be_disabled()


def test_hls_player_reconnects_after_the_network_comes_back(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.route("**/stream.m3u8", lambda route: route.abort("internetdisconnected"))
    page.goto(server["url"] + session_path(server, "live"))

    status = page.locator("[data-stage-status]")
    expect(status).to_be_visible(timeout=15_000)
    # Said once through the page's one announcer, not a live region of its own.
    said = " ".join(status.text_content().split())
    expect(page.locator("[data-announcer] p", has_text=said)).to_have_count(1, timeout=3000)
    page.unroute("**/stream.m3u8")
    page.evaluate("() => { const v = window.treffpunktStage.video; v.muted = true; v.play(); }")

    page.wait_for_function("window.treffpunktStage.video.currentTime > 1", timeout=30_000)
    expect(status).to_be_hidden()
    context.close()


def change_stream(orga, server, url):
    lane = orga.locator(f"#lane-room-{server['studio']}")
    details = lane.locator("details.lane__stream")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    lane.locator("input[name='stream_url']").fill(url)
    with orga.expect_navigation():
        lane.locator("button[data-action='stream']").click()


def test_stream_changed_mid_session_switches_the_open_player_without_a_reload(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    frames = []
    page.route("**/*youtube*/**", lambda route: frames.append(route.request.url) or route.abort())
    orga = logged_in_page(
        browser, server["url"], f"/events/{server['event']}/regie/", "orga", timeout=TIMEOUT
    )
    page.goto(server["url"] + session_path(server, "switching"))
    page.wait_for_function("window.treffpunktStage && window.treffpunktStage.mode === 'hls.js'")
    page.wait_for_function("window.treffpunktLive && window.treffpunktLive.client.ready")
    page.evaluate(
        "() => { const v = window.treffpunktStage.video; v.muted = true; return v.play(); }"
    )
    page.wait_for_function("window.treffpunktStage.video.currentTime > 1")
    # Gone after a reload: shows the switch happened in the open page.
    page.evaluate("() => { window.notReloaded = true; }")

    mp4 = f"{server['media']}/mp4/clip.mp4"
    change_stream(orga, server, mp4)

    page.wait_for_function(
        "(url) => window.treffpunktStage.mode === 'native' && window.treffpunktStage.url === url",
        arg=mp4,
    )
    page.wait_for_function(
        "(url) => window.treffpunktStage.video.currentSrc === url"
        " && !window.treffpunktStage.video.paused && window.treffpunktStage.video.currentTime > 1",
        arg=mp4,
    )
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator(".live__stream-link a")).to_have_attribute("href", mp4)

    change_stream(orga, server, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")

    consent = page.locator("[data-stage-consent]")
    expect(consent).to_contain_text("YouTube")
    expect(consent).not_to_contain_text("{provider}")
    assert page.locator("[data-stage-video]").count() == 0
    assert page.locator("iframe").count() == 0
    assert frames == []
    page.locator("[data-stage-load]").click()
    frame = page.locator("iframe.stage__frame")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    expect(frame).to_have_attribute("title", "Stream von YouTube")
    assert page.evaluate("window.notReloaded") is True
    context.close()


def test_dash_stream_says_the_browser_cannot_play_it(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server["url"] + session_path(server, "dash"))

    note = page.locator("[data-stage-unplayable]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("MPEG-DASH")
    expect(note.locator("a")).to_have_text("https://cdn.example.org/archiv/manifest.mpd")
    expect(page.locator("[data-stage-video]")).to_be_hidden()
    assert page.evaluate("window.treffpunktStage.mode") == "unplayable"
    context.close()
