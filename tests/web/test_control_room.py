"""The control room ("Regie"): who may open it, and every action through the services' rules."""

import pytest

from congress.live_services import ban_user
from congress.models import Ban, Mute, Question, Room, Session
from expo.models import Exhibitor
from tests.factories import (
    ExhibitorFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    at,
)
from treffpunkt.models import TopicEvent

pytestmark = pytest.mark.django_db


def regie(event):
    return f"/events/{event.slug}/regie/"


@pytest.fixture
def programme(event):
    hall = RoomFactory(event=event, name="Saal 1")
    forum = RoomFactory(event=event, name="Forum")
    talk = SessionFactory(
        event=event, room=hall, title="Offene Daten", start=at(event, 10), end=at(event, 11)
    )
    other = SessionFactory(
        event=event, room=forum, title="Smart City", start=at(event, 14), end=at(event, 15)
    )
    return {"hall": hall, "forum": forum, "talk": talk, "other": other}


def move_data(session, room, start, end, day="2026-06-10"):
    prefix = f"s{session.pk}"
    return {
        f"{prefix}-room": room.pk if room else "",
        f"{prefix}-day": day,
        f"{prefix}-start": start,
        f"{prefix}-end": end,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("attendee", 403),
        ("speaker", 403),
        ("stranger", 403),
        ("organizer", 200),
    ],
)
def test_only_organizers_open_the_control_room(client, event, organizer, attendee, who, status):
    users = {
        "attendee": attendee,
        "organizer": organizer,
        "speaker": RegistrationFactory(event=event, role="speaker").user,
        "stranger": UserFactory(username="fremd"),
    }
    if who in users:
        client.force_login(users[who])

    response = client.get(regie(event) + "?day=2026-06-10")

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "action",
    ["sessions/{talk}/state/", "sessions/{talk}/move/"],
)
def test_attendee_cannot_act_and_nothing_changes(client, event, attendee, programme, action):
    client.force_login(attendee)
    before = list(Session.objects.order_by("pk").values())
    pushes = TopicEvent.objects.count()

    response = client.post(
        regie(event) + action.format(talk=programme["talk"].pk),
        {"state": "live", **move_data(programme["talk"], programme["forum"], "12:00", "13:00")},
    )

    assert response.status_code in (302, 403)
    assert list(Session.objects.order_by("pk").values()) == before
    assert TopicEvent.objects.count() == pushes


def test_timeline_shows_the_day_by_room(client, event, organizer, programme):
    client.force_login(organizer)

    response = client.get(regie(event) + "?day=2026-06-10")

    lanes = [
        (lane.room.name, [s.title for s in lane.sessions]) for lane in response.context["timeline"]
    ]
    assert lanes == [("Saal 1", ["Offene Daten"]), ("Forum", ["Smart City"])]


def test_organizer_goes_live_and_ends(client, event, organizer, programme):
    client.force_login(organizer)
    url = regie(event) + f"sessions/{programme['talk'].pk}/state/"

    client.post(url, {"state": "live"})
    live = Session.objects.get(pk=programme["talk"].pk).state
    client.post(url, {"state": "ended"})

    assert (live, Session.objects.get(pk=programme["talk"].pk).state) == ("live", "ended")


NOTE = "Der Vortrag entfällt wegen Krankheit."


def test_organizer_cancels_with_a_note_shown_on_the_programme_and_session_page(
    client, event, organizer, programme
):
    talk = programme["talk"]
    client.force_login(organizer)

    response = client.post(
        regie(event) + f"sessions/{talk.pk}/state/",
        {"state": "cancelled", "cancellation_note": NOTE},
    )

    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note) == ("cancelled", NOTE)
    push = TopicEvent.objects.get(topic=f"event:{event.slug}")
    assert push.data["session"]["cancellation_note"] == NOTE
    client.logout()
    programme_page = client.get(f"/events/{event.slug}/").content.decode()
    card = programme_page.split(f'data-session="{talk.pk}"')[1].split("</li>")[0]
    assert "Abgesagt" in card and NOTE in card
    session_page = client.get(f"/events/{event.slug}/sessions/{talk.pk}/").content.decode()
    header = session_page.split("data-header-cancellation")[1].split("</div>")[0]
    assert "hidden" not in header.split(">")[0]
    assert "Diese Sitzung wurde abgesagt." in header and NOTE in header


def test_reinstated_session_keeps_its_note_but_no_longer_shows_it(
    client, event, organizer, programme
):
    talk = programme["talk"]
    client.force_login(organizer)
    url = regie(event) + f"sessions/{talk.pk}/state/"
    client.post(url, {"state": "cancelled", "cancellation_note": NOTE})

    client.post(url, {"state": "scheduled"})

    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note) == ("scheduled", NOTE)
    control_room = client.get(regie(event) + "?day=2026-06-10").content.decode()
    # Offered again in the cancel form, so a second cancellation can reuse or change it.
    cue = control_room.split(f'id="session-{talk.pk}"')[1].split("</li>")[0]
    assert f"{NOTE}</textarea>" in cue
    session_page = client.get(f"/events/{event.slug}/sessions/{talk.pk}/").content.decode()
    assert session_page.split("data-header-cancellation")[1].split(">")[0].endswith("hidden")
    programme_page = client.get(f"/events/{event.slug}/").content.decode()
    assert NOTE not in programme_page


def test_a_note_too_long_is_refused_with_the_reason(client, event, organizer, programme):
    talk = programme["talk"]
    client.force_login(organizer)

    response = client.post(
        regie(event) + f"sessions/{talk.pk}/state/",
        {"state": "cancelled", "cancellation_note": "x" * 501},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "The note may have at most 500 characters." in response.content.decode()
    talk.refresh_from_db()
    assert (talk.state, talk.cancellation_note) == ("scheduled", "")


def test_organizer_changes_a_rooms_stream(client, event, organizer, programme):
    hall = programme["hall"]
    client.force_login(organizer)
    url = regie(event) + f"rooms/{hall.pk}/stream/"

    page = client.get(regie(event) + "?day=2026-06-10").content.decode()
    response = client.post(
        url, {"stream_url": "https://cdn.example.org/live/saal1-backup/index.m3u8"}
    )
    refused = client.post(url, {"stream_url": "kein Link"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert f'action="/events/{event.slug}/regie/rooms/{hall.pk}/stream/"' in page
    assert response.status_code == 302
    hall.refresh_from_db()
    assert hall.stream_url == "https://cdn.example.org/live/saal1-backup/index.m3u8"
    assert "Enter a valid URL." in refused.content.decode()
    assert [push.type for push in TopicEvent.objects.order_by("seq")] == [
        "programme.changed",
        "room.stream_changed",
    ]


def test_organizer_moves_a_session(client, event, organizer, programme):
    client.force_login(organizer)

    response = client.post(
        regie(event) + f"sessions/{programme['talk'].pk}/move/",
        move_data(programme["talk"], programme["forum"], "16:00", "17:00"),
    )

    assert response.status_code == 302
    talk = Session.objects.get(pk=programme["talk"].pk)
    assert (talk.room, talk.start, talk.end) == (programme["forum"], at(event, 16), at(event, 17))
    push = TopicEvent.objects.get(topic=f"event:{event.slug}", type="programme.changed")
    assert push.type == "programme.changed"
    assert push.data["action"] == "moved"
    assert push.data["session"]["room_name"] == "Forum"


def test_a_clash_shows_the_conflict_rule_message_inline(client, event, organizer, programme):
    client.force_login(organizer)
    before = list(Session.objects.order_by("pk").values())

    response = client.post(
        regie(event) + f"sessions/{programme['talk'].pk}/move/",
        move_data(programme["talk"], programme["forum"], "14:30", "15:30"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Room Forum is already booked from 10.06.2026 14:00 to 10.06.2026 15:00" in html
    assert list(Session.objects.order_by("pk").values()) == before


def test_moderation_queue_lists_and_lifts(client, event, organizer, attendee, programme):
    talk = programme["talk"]
    Mute.objects.create(session=talk, user=attendee)
    question = Question.objects.create(
        session=talk, user=attendee, text="Warum?", client_id="q1", state=Question.State.HIDDEN
    )
    troll = UserFactory(username="troll")
    RegistrationFactory(event=event, user=troll)
    ban_user(user=organizer, event=event, target=troll, reason="Spam")
    booth = ExhibitorFactory(event=event, status=Exhibitor.Status.SUBMITTED, name="Muster GmbH")
    client.force_login(organizer)

    page = client.get(regie(event)).content.decode()
    assert "Warum?" in page and "troll" in page and "Muster GmbH" in page

    client.post(regie(event) + f"mutes/{Mute.objects.get().pk}/lift/")
    client.post(regie(event) + f"bans/{troll.pk}/lift/")
    client.post(regie(event) + f"questions/{question.pk}/show/")
    client.post(regie(event) + f"booths/{booth.pk}/review/", {"decision": "approve"})

    assert Mute.objects.count() == 0
    assert Ban.objects.count() == 0
    assert Question.objects.get().state == Question.State.OPEN
    assert Exhibitor.objects.get(pk=booth.pk).status == Exhibitor.Status.PUBLISHED


# Every control-room route × role: the status, and for a refusal that nothing changed.
ROUTES = {
    "open": ("GET", ""),
    "state": ("POST", "sessions/{talk}/state/"),
    "move": ("POST", "sessions/{talk}/move/"),
    "unmute": ("POST", "mutes/{mute}/lift/"),
    "unban": ("POST", "bans/{banned}/lift/"),
    "show question": ("POST", "questions/{question}/show/"),
    "resolve report": ("POST", "reports/{report}/resolve/"),
    "review booth": ("POST", "booths/{booth}/review/"),
    "announce": ("POST", "announce/"),
    "resend announcement mail": ("POST", "announcements/{announcement}/resend/"),
    "room stream": ("POST", "rooms/{room}/stream/"),
}
ROLES = ("anonymous", "attendee", "speaker", "other_organizer", "organizer")
# fmt: off
TABLE = {
    #                    anon  att  spk  oorga orga
    "open":             (302, 403, 403, 403,  200),
    "state":            (302, 403, 403, 403,  302),
    "move":             (302, 403, 403, 403,  302),
    "unmute":           (302, 403, 403, 403,  302),
    "unban":            (302, 403, 403, 403,  302),
    "show question":    (302, 403, 403, 403,  302),
    "resolve report":   (302, 403, 403, 403,  302),
    "review booth":     (302, 403, 403, 403,  302),
    "announce":         (302, 403, 403, 403,  302),
    "resend announcement mail": (302, 403, 403, 403, 302),
    "room stream":      (302, 403, 403, 403,  302),
}
# fmt: on


@pytest.fixture
def world(event, organizer, attendee, programme):
    from congress.models import Announcement
    from matchmaking.models import Report
    from tests.factories import EventFactory, SpeakerFactory

    talk = programme["talk"]
    speaker = RegistrationFactory(event=event, role="speaker").user
    talk.speakers.add(SpeakerFactory(event=event, user=speaker))
    other_organizer = UserFactory(username="olga")
    RegistrationFactory(event=EventFactory(), user=other_organizer, role="organizer")
    troll = UserFactory(username="troll")
    RegistrationFactory(event=event, user=troll)
    ban_user(user=organizer, event=event, target=troll)
    return {
        "users": {
            "anonymous": None,
            "attendee": attendee,
            "speaker": speaker,
            "other_organizer": other_organizer,
            "organizer": organizer,
        },
        "ids": {
            "talk": talk.pk,
            "mute": Mute.objects.create(session=talk, user=attendee).pk,
            "banned": troll.pk,
            "question": Question.objects.create(
                session=talk, user=attendee, text="?", client_id="q", state="hidden"
            ).pk,
            "report": Report.objects.create(
                event=event, reporter=attendee, reported=troll, reason="Spam"
            ).pk,
            "booth": ExhibitorFactory(event=event, status=Exhibitor.Status.SUBMITTED).pk,
            "announcement": Announcement.objects.create(
                event=event, text_de="Saal 2 beginnt später.", send_mail=True, mail_unsure=1
            ).pk,
            "room": programme["hall"].pk,
        },
        "data": {
            "state": "live",
            "decision": "approve",
            "text_de": "Die Expo öffnet jetzt.",
            "level": "info",
            "audience": "everyone",
            "which": "unsure",
            "stream_url": "https://cdn.example.org/live/saal1/index.m3u8",
            **move_data(talk, programme["forum"], "16:00", "17:00"),
        },
    }


def everything():
    from congress.models import Announcement
    from matchmaking.models import Report

    models = (Session, Room, Mute, Ban, Question, Report, Exhibitor, TopicEvent, Announcement)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize(
    ("route", "role", "expected"),
    [
        pytest.param(route, role, status, id=f"{route} as {role} -> {status}")
        for route, statuses in TABLE.items()
        for role, status in zip(ROLES, statuses, strict=True)
    ],
)
def test_control_room_access(client, event, world, route, role, expected):
    method, path = ROUTES[route]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = everything()

    url = regie(event) + path.format(**world["ids"])
    response = client.get(url) if method == "GET" else client.post(url, world["data"])

    assert response.status_code == expected
    if expected in (302, 403) and role != "organizer":
        assert everything() == before
    if role == "anonymous":
        assert response["Location"].startswith("/login/")


def test_table_covers_every_control_room_route():
    from web.urls import urlpatterns

    routes = {str(p.pattern) for p in urlpatterns if "/regie/" in str(p.pattern)}

    assert len(routes) == len(ROUTES) == len(TABLE)
