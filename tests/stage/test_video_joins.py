"""Video rooms of booths and accepted meetings, and the join buttons on the pages (Jitsi: no server)."""

from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest

from matchmaking.models import Meeting
from stage import services
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    UserFactory,
    at,
)
from treffpunkt.errors import AccessDenied

pytestmark = pytest.mark.django_db

SECRET = "geheim-und-lang-genug-fuer-hs256-0123456789"


@pytest.fixture(autouse=True)
def jitsi(settings):
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org"
    settings.JITSI_APP_ID = "treffpunkt"
    settings.JITSI_SECRET = SECRET


def claims(url):
    token = dict(parse_qsl(urlsplit(url).query))["jwt"]
    return jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi")


@pytest.fixture
def booth(event):
    return ExhibitorFactory(event=event, name="Muster GmbH")


@pytest.fixture
def meeting(event, attendee):
    ben = UserFactory(username="ben")
    RegistrationFactory(event=event, user=ben)
    return Meeting.objects.create(
        event=event,
        requester=attendee,
        invitee=ben,
        start=at(event, 12),
        end=at(event, 12, 30),
        state=Meeting.State.ACCEPTED,
    )


def test_booth_staff_moderate_and_attendees_join(booth, attendee):
    staff = ExhibitorStaffFactory(exhibitor=booth, user=UserFactory(username="stella")).user

    as_staff = services.join_booth_video(user=staff, exhibitor=booth)
    as_attendee = services.join_booth_video(user=attendee, exhibitor=booth)

    assert claims(as_staff["url"])["context"]["user"]["moderator"] is True
    assert claims(as_attendee["url"])["context"]["user"]["moderator"] is False
    assert claims(as_staff["url"])["room"] == claims(as_attendee["url"])["room"]


def test_unregistered_user_gets_no_booth_room(booth):
    with pytest.raises(AccessDenied):
        services.join_booth_video(user=UserFactory(username="fremd"), exhibitor=booth)


def test_meeting_room_for_its_two_participants_only(meeting, attendee, organizer):
    joined = services.join_meeting_video(user=meeting.invitee, meeting=meeting)
    assert claims(joined["url"])["room"] == f"treffpunktmeeting{meeting.guid.hex}"
    assert services.join_meeting_video(user=attendee, meeting=meeting)["moderator"] is True

    with pytest.raises(AccessDenied):
        services.join_meeting_video(user=organizer, meeting=meeting)


def test_pending_meeting_has_no_room(meeting, attendee):
    meeting.state = Meeting.State.PENDING
    meeting.save()

    with pytest.raises(AccessDenied):
        services.join_meeting_video(user=attendee, meeting=meeting)


def test_booth_page_button_redirects_to_the_join_url(client, event, booth, attendee):
    client.force_login(attendee)

    page = client.get(f"/events/{event.slug}/expo/{booth.pk}/").content.decode()
    response = client.post(f"/events/{event.slug}/expo/{booth.pk}/video/")

    assert f'action="/events/{event.slug}/expo/{booth.pk}/video/"' in page
    # How many are in the room is read from the REST route before joining.
    assert f'data-occupancy-url="/api/v1/events/{event.slug}/exhibitors/{booth.pk}/video/"' in page
    assert response.status_code == 302
    assert response["Location"].startswith("https://meet.example.org/treffpunktbooth")


def test_stranger_posting_to_the_booth_room_gets_403(client, event, booth):
    client.force_login(UserFactory(username="fremd"))

    response = client.post(f"/events/{event.slug}/expo/{booth.pk}/video/")

    assert response.status_code == 403


def test_meeting_page_button_and_stranger_refused(client, event, meeting, organizer):
    from datetime import timedelta

    from django.utils import timezone

    event.start_date = timezone.localdate() + timedelta(days=5)
    event.end_date = event.start_date + timedelta(days=1)
    event.save()
    Meeting.objects.filter(pk=meeting.pk).update(start=at(event, 12), end=at(event, 12, 30))
    client.force_login(meeting.invitee)
    page = client.get(f"/events/{event.slug}/meetings/").content.decode()
    response = client.post(f"/events/{event.slug}/meetings/{meeting.pk}/video/")
    assert f'action="/events/{event.slug}/meetings/{meeting.pk}/video/"' in page
    assert f'data-occupancy-url="/api/v1/events/{event.slug}/meetings/{meeting.pk}/video/"' in page
    assert response.status_code == 302

    client.force_login(organizer)
    assert client.post(f"/events/{event.slug}/meetings/{meeting.pk}/video/").status_code == 403


def test_session_page_join_button_only_for_registered(client, event, attendee):
    from tests.factories import SessionFactory

    round_table = SessionFactory(
        event=event, kind="round_table", start=at(event, 10), end=at(event, 11)
    )
    url = f"/events/{event.slug}/sessions/{round_table.pk}/"
    client.force_login(UserFactory(username="fremd"))
    stranger_page = client.get(url).content.decode()
    client.force_login(attendee)
    attendee_page = client.get(url).content.decode()

    assert "data-video-join" not in stranger_page
    assert "data-video-join" in attendee_page
    assert client.post(url + "video/").status_code == 302


# The web's join buttons: every video-room route × role. A join redirects to the personal join URL
# (Jitsi without a server call); anonymous visitors go to the login page; refusals are 403.
WEB_ROUTES = {
    "round table": "sessions/{round_table}/video/",
    "talk": "sessions/{talk}/video/",
    "booth": "expo/{booth}/video/",
    "meeting": "meetings/{meeting}/video/",
    "pending meeting": "meetings/{pending}/video/",
}
WEB_ROLES = ("anonymous", "stranger", "attendee", "booth_staff", "organizer", "participant")
JOIN, LOGIN = "join", "login"
# fmt: off
WEB_TABLE = {
    #                    anon   stranger attendee staff  orga   participant
    "round table":      (LOGIN, 403,     JOIN,    JOIN,  JOIN,  JOIN),
    "talk":             (LOGIN, 403,     403,     403,   403,   403),
    "booth":            (LOGIN, 403,     JOIN,    JOIN,  JOIN,  JOIN),
    "meeting":          (LOGIN, 403,     403,     403,   403,   JOIN),
    "pending meeting":  (LOGIN, 403,     403,     403,   403,   403),
}
# fmt: on


@pytest.fixture
def web_world(event, attendee, organizer, booth):
    from tests.factories import SessionFactory

    staff = UserFactory(username="stella")
    RegistrationFactory(event=event, user=staff, role="exhibitor")
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    participant, partner = UserFactory(username="paul"), UserFactory(username="petra")
    for user in (participant, partner):
        RegistrationFactory(event=event, user=user)

    def meeting_at(hour, state):
        return Meeting.objects.create(
            event=event,
            requester=participant,
            invitee=partner,
            awaiting=partner if state == Meeting.State.PENDING else None,
            start=at(event, hour),
            end=at(event, hour, 30),
            state=state,
        )

    return {
        "users": {
            "anonymous": None,
            "stranger": UserFactory(username="fremd"),
            "attendee": attendee,
            "booth_staff": staff,
            "organizer": organizer,
            "participant": participant,
        },
        "ids": {
            "round_table": SessionFactory(
                event=event, kind="round_table", start=at(event, 10), end=at(event, 11)
            ).pk,
            "talk": SessionFactory(event=event, start=at(event, 12), end=at(event, 13)).pk,
            "booth": booth.pk,
            "meeting": meeting_at(14, Meeting.State.ACCEPTED).pk,
            "pending": meeting_at(15, Meeting.State.PENDING).pk,
        },
    }


@pytest.mark.parametrize(
    ("route", "role", "expected"),
    [
        pytest.param(route, role, expected, id=f"{route} as {role} -> {expected}")
        for route, row in WEB_TABLE.items()
        for role, expected in zip(WEB_ROLES, row, strict=True)
    ],
)
def test_web_join_access(client, event, web_world, route, role, expected):
    user = web_world["users"][role]
    if user is not None:
        client.force_login(user)

    response = client.post(f"/events/{event.slug}/" + WEB_ROUTES[route].format(**web_world["ids"]))

    if expected == JOIN:
        assert response.status_code == 302
        assert response["Location"].startswith("https://meet.example.org/treffpunkt")
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected


def test_web_table_covers_every_video_route():
    from web.urls import urlpatterns

    routes = {str(p.pattern) for p in urlpatterns if str(p.pattern).endswith("/video/")}

    assert routes == {
        "events/<slug:slug>/sessions/<int:pk>/video/",
        "events/<slug:slug>/expo/<int:pk>/video/",
        "events/<slug:slug>/meetings/<int:pk>/video/",
    }
