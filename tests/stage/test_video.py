"""Video rooms against the providers' published API contracts.

No BigBlueButton or Jitsi server runs here: BigBlueButton is a recorded-response server
(tests/stage/bbb_server.py) that checks every checksum; Jitsi needs no server call, and its JWT is
decoded with the shared secret as Jitsi's token authentication would.
"""

from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest

from congress import services as congress_services
from congress.models import Registration, Session
from matchmaking.models import Meeting
from stage import services
from stage.models import StageSettings
from stage.video import BigBlueButton, Jitsi, configured_provider
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    at,
)
from tests.stage.bbb_server import bigbluebutton_server, expected_checksum, split_checksum
from treffpunkt.errors import AccessDenied

pytestmark = pytest.mark.django_db

SECRET = "8cd8ef52e8e101574e400365b55e11a6"


@pytest.fixture
def bbb(settings):
    with bigbluebutton_server(SECRET) as (url, recorded):
        settings.VIDEO_PROVIDER = "bigbluebutton"
        settings.BBB_URL = url
        settings.BBB_SECRET = SECRET
        settings.BBB_CHECKSUM = "sha1"
        yield recorded


@pytest.fixture
def round_table(event):
    return SessionFactory(
        event=event,
        kind=Session.Kind.ROUND_TABLE,
        title="Runder Tisch: Open Data",
        start=at(event, 10),
        end=at(event, 11),
    )


def join_params(url):
    """The join call's parameters, after checking its checksum independently of the provider."""
    parts = urlsplit(url)
    assert parts.path.endswith("/bigbluebutton/api/join")
    query, checksum = split_checksum(parts.query)
    assert checksum == expected_checksum("join", query, SECRET)
    return dict(parse_qsl(query))


def test_attendee_joins_as_viewer_with_a_valid_checksum(bbb, round_table, attendee):
    joined = services.join_session_video(user=attendee, session=round_table)

    assert joined["moderator"] is False
    assert joined["provider"] == "bigbluebutton"
    assert join_params(joined["url"]) == {
        "meetingID": f"treffpunkt-{round_table.guid}",
        "fullName": "anna",
        "userID": str(attendee.pk),
        "role": "VIEWER",
        "redirect": "true",
    }
    assert bbb.meetings == {
        f"treffpunkt-{round_table.guid}": {
            "name": "Runder Tisch: Open Data",
            "record": False,
            "participants": 0,
            "ended": False,
        }
    }


def test_organizer_and_speaker_join_as_moderators(bbb, round_table, organizer):
    speaker_user = UserFactory(username="sven", first_name="Sven", last_name="Sprecher")
    RegistrationFactory(event=round_table.event, user=speaker_user, role="speaker")
    round_table.speakers.add(SpeakerFactory(event=round_table.event, user=speaker_user))

    for user in (organizer, speaker_user):
        joined = services.join_session_video(user=user, session=round_table)
        assert joined["moderator"] is True
        assert join_params(joined["url"])["role"] == "MODERATOR"
    assert join_params(joined["url"])["fullName"] == "Sven Sprecher"


def test_recording_flag_follows_the_event_settings(bbb, round_table, attendee):
    StageSettings.objects.create(event=round_table.event, record_video_rooms=True)

    services.join_session_video(user=attendee, session=round_table)

    create = [params for call, params in bbb.calls if call == "create"]
    assert create[0]["record"] == "true"
    assert create[0]["allowStartStopRecording"] == "true"


def test_unregistered_user_gets_no_join_url_and_no_meeting(bbb, round_table):
    stranger = UserFactory(username="fremd")

    with pytest.raises(AccessDenied):
        services.join_session_video(user=stranger, session=round_table)

    assert bbb.calls == []


def test_banned_user_and_talks_get_no_video_room(bbb, round_table, attendee, organizer, event):
    talk = SessionFactory(
        event=event, kind=Session.Kind.TALK, start=at(event, 12), end=at(event, 13)
    )
    with pytest.raises(AccessDenied):
        services.join_session_video(user=attendee, session=talk)
    from congress.live_services import ban_user

    ban_user(user=organizer, event=event, target=attendee)
    with pytest.raises(AccessDenied):
        services.join_session_video(user=attendee, session=round_table)
    assert bbb.calls == []


def test_occupancy_counts_the_meeting_participants(bbb, round_table, attendee):
    assert services.video_occupancy(round_table) == 0  # not created yet: notFound

    services.join_session_video(user=attendee, session=round_table)
    bbb.meetings[f"treffpunkt-{round_table.guid}"]["participants"] = 3

    assert services.video_occupancy(round_table) == 3


def test_ending_the_session_closes_the_meeting(
    bbb, round_table, attendee, organizer, django_capture_on_commit_callbacks
):
    services.join_session_video(user=attendee, session=round_table)

    with django_capture_on_commit_callbacks(execute=True):
        congress_services.set_session_state(round_table, user=organizer, state="ended")

    assert bbb.meetings[f"treffpunkt-{round_table.guid}"]["ended"] is True
    assert [call for call, _params in bbb.calls] == ["create", "end"]


def test_wrong_secret_is_refused_by_the_server(bbb, round_table, attendee, settings):
    settings.BBB_SECRET = "falsch"

    with pytest.raises(services.VideoUnavailable):
        services.join_session_video(user=attendee, session=round_table)


def test_sha256_checksums(round_table, attendee, settings):
    with bigbluebutton_server(SECRET, "sha256") as (url, recorded):
        provider = BigBlueButton(url, SECRET, algorithm="sha256")
        joined = services.join_session_video(user=attendee, session=round_table, provider=provider)
    query, checksum = split_checksum(urlsplit(joined["url"]).query)
    assert checksum == expected_checksum("join", query, SECRET, "sha256")
    assert len(recorded.meetings) == 1


def test_jitsi_room_per_session_with_a_signed_token(round_table, attendee, organizer, settings):
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org/"
    settings.JITSI_APP_ID = "treffpunkt"
    settings.JITSI_SECRET = "geheim-und-lang-genug-fuer-hs256-0123456789"
    assert isinstance(configured_provider(), Jitsi)

    viewer = services.join_session_video(user=attendee, session=round_table)
    moderator = services.join_session_video(user=organizer, session=round_table)

    room = f"treffpunkt{round_table.guid.hex}"
    for joined, is_moderator in ((viewer, False), (moderator, True)):
        parts = urlsplit(joined["url"])
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"https://meet.example.org/{room}"
        token = dict(parse_qsl(parts.query))["jwt"]
        claims = jwt.decode(token, settings.JITSI_SECRET, algorithms=["HS256"], audience="jitsi")
        assert claims["iss"] == "treffpunkt"
        assert claims["sub"] == "meet.example.org"
        assert claims["room"] == room
        assert claims["context"]["user"]["moderator"] is is_moderator
        assert claims["moderator"] is is_moderator


def test_jitsi_without_secret_is_a_plain_room_link(round_table, attendee, settings):
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org"
    settings.JITSI_SECRET = ""

    joined = services.join_session_video(user=attendee, session=round_table)

    assert joined["url"] == f"https://meet.example.org/treffpunkt{round_table.guid.hex}"


def test_no_provider_configured(round_table, attendee, settings):
    settings.VIDEO_PROVIDER = ""

    with pytest.raises(services.VideoUnavailable):
        services.join_session_video(user=attendee, session=round_table)
    assert services.video_occupancy(round_table) is None


def test_rest_join_for_attendee_and_refusal_for_a_stranger(bbb, round_table, attendee, as_user):
    url = f"/api/v1/events/{round_table.event.slug}/sessions/{round_table.pk}/video/"

    joined = as_user(attendee).post(url)
    refused = as_user(UserFactory(username="fremd")).post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert joined.status_code == 200
    assert join_params(joined.json()["url"])["role"] == "VIEWER"
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to do this."}
    assert [call for call, _params in bbb.calls] == ["create"]
    assert Registration.objects.filter(user__username="fremd").exists() is False


def test_rest_booth_room_staff_moderate_attendees_view_and_see_the_occupancy(
    bbb, event, attendee, as_user
):
    booth = ExhibitorFactory(event=event, name="Muster GmbH")
    staff = ExhibitorStaffFactory(exhibitor=booth, user=UserFactory(username="stella")).user
    url = f"/api/v1/events/{event.slug}/exhibitors/{booth.pk}/video/"

    as_staff = as_user(staff).post(url)
    as_attendee = as_user(attendee).post(url)
    bbb.meetings[f"treffpunkt-booth-{booth.pk}-{event.pk}"]["participants"] = 2
    occupancy = as_user(attendee).get(url)
    refused = as_user(UserFactory(username="fremd")).post(url)

    assert (as_staff.json()["moderator"], as_attendee.json()["moderator"]) == (True, False)
    staff_params = join_params(as_staff.json()["url"])
    attendee_params = join_params(as_attendee.json()["url"])
    assert (staff_params["role"], attendee_params["role"]) == ("MODERATOR", "VIEWER")
    assert staff_params["meetingID"] == attendee_params["meetingID"]
    assert occupancy.json() == {"occupancy": 2}
    assert refused.status_code == 403
    assert [call for call, _params in bbb.calls] == ["create", "create", "getMeetingInfo"]


def test_rest_meeting_room_both_participants_moderate_nobody_else(bbb, event, attendee, as_user):
    ben = UserFactory(username="ben")
    RegistrationFactory(event=event, user=ben)
    meeting = Meeting.objects.create(
        event=event,
        requester=attendee,
        invitee=ben,
        start=at(event, 12),
        end=at(event, 12, 30),
        state=Meeting.State.ACCEPTED,
    )
    third = UserFactory(username="clara")
    RegistrationFactory(event=event, user=third)
    url = f"/api/v1/events/{event.slug}/meetings/{meeting.pk}/video/"

    joins = [as_user(user).post(url) for user in (attendee, ben)]
    occupancy = as_user(ben).get(url)
    refused = as_user(third).post(url)

    for joined in joins:
        assert joined.json()["moderator"] is True
        assert (
            join_params(joined.json()["url"])["meetingID"] == f"treffpunkt-meeting-{meeting.guid}"
        )
        assert join_params(joined.json()["url"])["role"] == "MODERATOR"
    assert occupancy.json() == {"occupancy": 0}
    assert refused.status_code == 404
    assert [call for call, _params in bbb.calls] == ["create", "create", "getMeetingInfo"]
