"""The control room ("Regie"): who may open it, and every action through the services' rules."""

import pytest

from congress.live_services import ban_user
from congress.models import Ban, Mute, Question, Session
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

    response = client.post(
        regie(event) + action.format(talk=programme["talk"].pk),
        {"state": "live", **move_data(programme["talk"], programme["forum"], "12:00", "13:00")},
    )

    assert response.status_code in (302, 403)
    assert list(Session.objects.order_by("pk").values()) == before
    assert TopicEvent.objects.count() == 0


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


def test_organizer_moves_a_session(client, event, organizer, programme):
    client.force_login(organizer)

    response = client.post(
        regie(event) + f"sessions/{programme['talk'].pk}/move/",
        move_data(programme["talk"], programme["forum"], "16:00", "17:00"),
    )

    assert response.status_code == 302
    talk = Session.objects.get(pk=programme["talk"].pk)
    assert (talk.room, talk.start, talk.end) == (programme["forum"], at(event, 16), at(event, 17))
    push = TopicEvent.objects.get(topic=f"event:{event.slug}")
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
