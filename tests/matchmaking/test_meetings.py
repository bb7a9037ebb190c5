"""Meetings over REST: requests inside the event's slots, no double booking, answers, reschedules."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congress.models import Favourite, Registration
from matchmaking import meetings
from matchmaking.models import Block, Meeting, MeetingHold, MeetingSlot, Report
from tests.factories import EventFactory, RegistrationFactory, SessionFactory, UserFactory

from .factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    today = timezone.localdate()
    return EventFactory(start_date=today, end_date=today + timedelta(days=2))


def tomorrow(event, hour, minute=0):
    return event.starts_at + timedelta(days=1, hours=hour, minutes=minute)


@pytest.fixture
def slots(event):
    """Tomorrow 10:00–10:30, 10:30–11:00, 11:00–11:30 and a long one 12:00–13:00."""
    made = [
        MeetingSlot.objects.create(
            event=event, start=tomorrow(event, 10, 30 * n), end=tomorrow(event, 10, 30 * (n + 1))
        )
        for n in range(3)
    ]
    made.append(
        MeetingSlot.objects.create(event=event, start=tomorrow(event, 12), end=tomorrow(event, 13))
    )
    return made


def person(event, username, *, visible=True, role=Registration.Role.ATTENDEE):
    user = UserFactory(username=username, first_name=username.title())
    RegistrationFactory(event=event, user=user, role=role)
    ProfileFactory(event=event, user=user, is_visible=visible)
    return user


@pytest.fixture
def people(event, slots):
    return {name: person(event, name) for name in ("anna", "ben", "carla")} | {
        "dora": person(event, "dora", visible=False)
    }


def client(user):
    api = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return api


def url(event, rest=""):
    return f"/api/v1/events/{event.slug}/meetings/{rest}"


def ask(event, requester, invitee, start, end, **extra):
    return client(requester).post(
        url(event),
        {"invitee": invitee.pk, "start": start.isoformat(), "end": end.isoformat(), **extra},
        format="json",
    )


def state_of_tables():
    return (
        list(Meeting.objects.order_by("pk").values_list("pk", "state", "start", "end")),
        list(MeetingHold.objects.order_by("pk").values_list("user_id", "start", "end", "active")),
    )


# --- requesting ---------------------------------------------------------------------------------


def test_request_creates_a_pending_meeting_the_invitee_must_answer(event, people, slots):
    anna, ben = people["anna"], people["ben"]

    response = ask(
        event, anna, ben, slots[0].start, slots[0].end, message="Kaffee?", location="Tisch 4"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "pending"
    assert body["with"] == {"id": ben.pk, "name": "Ben"}
    assert body["awaiting_me"] is False
    assert body["warnings"] == []
    listed = client(ben).get(url(event)).json()
    assert [(item["id"], item["awaiting_me"], item["location"]) for item in listed] == [
        (body["id"], True, "Tisch 4")
    ]
    assert MeetingHold.objects.filter(meeting_id=body["id"], active=True).count() == 2


def test_overlap_for_the_invitee_is_409_and_creates_nothing(event, people, slots):
    ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end)
    before = state_of_tables()

    response = ask(event, people["carla"], people["ben"], slots[0].start, slots[0].end)

    assert response.status_code == 409
    assert response.json()["start"][0].startswith("Ben is not available at this time")
    assert state_of_tables() == before


def test_overlap_for_the_requester_is_409_and_creates_nothing(event, people, slots):
    ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end)
    before = state_of_tables()

    response = ask(event, people["anna"], people["carla"], slots[0].start, slots[0].end)

    assert response.status_code == 409
    assert response.json()["start"][0].startswith("You already have a meeting at this time")
    assert state_of_tables() == before


def test_partial_overlap_inside_a_long_slot_is_409_but_back_to_back_is_fine(event, people):
    anna, ben, carla = people["anna"], people["ben"], people["carla"]
    assert ask(event, anna, ben, tomorrow(event, 12), tomorrow(event, 12, 30)).status_code == 201

    overlapping = ask(event, carla, anna, tomorrow(event, 12, 15), tomorrow(event, 12, 45))
    back_to_back = ask(event, carla, anna, tomorrow(event, 12, 30), tomorrow(event, 13))

    assert overlapping.status_code == 409
    assert back_to_back.status_code == 201


def test_the_invitee_asking_back_at_the_same_time_is_409(event, people, slots):
    ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end)

    response = ask(event, people["ben"], people["anna"], slots[0].start, slots[0].end)

    assert response.status_code == 409
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (lambda e: tomorrow(e, 9), lambda e: tomorrow(e, 9, 30), "start"),  # no slot
        (lambda e: tomorrow(e, 10, 15), lambda e: tomorrow(e, 10, 45), "start"),  # across two
        (lambda e: tomorrow(e, 10, 30), lambda e: tomorrow(e, 10), "end"),  # ends first
    ],
)
def test_a_time_outside_the_slots_is_400_and_creates_nothing(event, people, start, end, field):
    response = ask(event, people["anna"], people["ben"], start(event), end(event))

    assert response.status_code == 400
    assert field in response.json()
    assert Meeting.objects.count() == 0


def test_a_slot_in_the_past_is_400(event, people):
    now = timezone.now()
    slot = MeetingSlot.objects.create(
        event=event, start=now - timedelta(hours=1), end=now - timedelta(minutes=30)
    )

    response = ask(event, people["anna"], people["ben"], slot.start, slot.end)

    assert response.status_code == 400
    assert response.json() == {"start": ["The meeting cannot start in the past."]}


def test_hidden_self_and_unknown_invitees_are_400(event, people, slots):
    for invitee in (people["dora"], people["anna"]):
        response = ask(event, people["anna"], invitee, slots[0].start, slots[0].end)
        assert response.status_code == 400
        assert "invitee" in response.json()
    response = client(people["anna"]).post(
        url(event),
        {"invitee": 999999, "start": slots[0].start.isoformat(), "end": slots[0].end.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert Meeting.objects.count() == 0


def test_bad_input_names_the_fields(event, people):
    response = client(people["anna"]).post(
        url(event), {"invitee": "ben", "start": "morgen", "location": "x" * 201}, format="json"
    )

    assert response.status_code == 400
    assert {"invitee", "start", "end", "location"} <= set(response.json())


def test_a_location_link_must_be_http(event, people, slots):
    response = ask(
        event,
        people["anna"],
        people["ben"],
        slots[0].start,
        slots[0].end,
        location="javascript://alert(1)",
    )

    assert response.status_code == 400
    assert "location" in response.json()


def test_pending_requests_are_capped(event, people, slots, monkeypatch):
    monkeypatch.setattr(meetings, "MAX_PENDING", 2)
    extra = person(event, "emil")
    anna = people["anna"]
    assert ask(event, anna, people["ben"], slots[0].start, slots[0].end).status_code == 201
    assert ask(event, anna, people["carla"], slots[1].start, slots[1].end).status_code == 201

    refused = ask(event, anna, extra, slots[2].start, slots[2].end)

    assert refused.status_code == 400
    assert "You have 2 open requests" in refused.json()["non_field_errors"][0]
    assert Meeting.objects.filter(requester=anna).count() == 2
    # An answer frees a place.
    first = Meeting.objects.get(invitee=people["ben"])
    assert client(people["ben"]).post(url(event, f"{first.pk}/decline/")).status_code == 200
    assert ask(event, anna, extra, slots[2].start, slots[2].end).status_code == 201


def test_a_block_either_way_refuses_requests(event, people, slots):
    Block.objects.create(event=event, blocker=people["ben"], blocked=people["anna"])

    refused = ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end)
    refused_back = ask(event, people["ben"], people["anna"], slots[0].start, slots[0].end)

    assert refused.status_code == 403
    assert refused.json()["detail"] == "This person cannot be contacted."
    assert refused_back.status_code == 403
    assert "You have blocked this person" in refused_back.json()["detail"]
    assert Meeting.objects.count() == 0


def test_request_warns_about_sessions_in_the_requesters_agenda(event, people, slots):
    session = SessionFactory(
        event=event,
        title="Open Data im Landkreis",
        start=tomorrow(event, 9, 45),
        end=tomorrow(event, 10, 15),
    )
    Favourite.objects.create(user=people["anna"], session=session)

    response = ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end)

    assert response.status_code == 201
    [warning] = response.json()["warnings"]
    assert "Open Data im Landkreis" in warning
    assert "in your agenda" in warning


# --- reading ------------------------------------------------------------------------------------


def test_only_the_two_participants_read_a_meeting(event, people, slots):
    meeting_id = ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end).json()[
        "id"
    ]
    organizer = person(event, "orga", role=Registration.Role.ORGANIZER)

    for user in (people["anna"], people["ben"]):
        assert client(user).get(url(event, f"{meeting_id}/")).status_code == 200
    for user in (people["carla"], organizer):
        assert client(user).get(url(event, f"{meeting_id}/")).status_code == 404
        assert client(user).post(url(event, f"{meeting_id}/accept/")).status_code == 404
        assert client(user).post(url(event, f"{meeting_id}/cancel/")).status_code == 404
        assert client(user).get(url(event)).json() == []
    assert Meeting.objects.get().state == "pending"


def test_meeting_routes_need_login_and_registration(event, people, slots):
    outsider = UserFactory(username="gast")
    for method, rest in (("get", ""), ("post", ""), ("get", "slots/")):
        assert getattr(APIClient(), method)(url(event, rest)).status_code == 401
        assert getattr(client(outsider), method)(url(event, rest)).status_code == 403


def test_list_filters_by_state(event, people, slots):
    anna = people["anna"]
    ask(event, anna, people["ben"], slots[0].start, slots[0].end)
    second = ask(event, anna, people["carla"], slots[1].start, slots[1].end).json()["id"]
    client(people["carla"]).post(url(event, f"{second}/accept/"))

    accepted = client(anna).get(url(event), {"state": "accepted"}).json()
    both = client(anna).get(url(event), {"state": "pending,accepted"}).json()
    bad = client(anna).get(url(event), {"state": "maybe"})

    assert [item["id"] for item in accepted] == [second]
    assert len(both) == 2
    assert bad.status_code == 400


# --- answering ----------------------------------------------------------------------------------


def test_only_the_invitee_accepts_and_only_once(event, people, slots):
    meeting_id = ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end).json()[
        "id"
    ]

    by_requester = client(people["anna"]).post(url(event, f"{meeting_id}/accept/"))
    accepted = client(people["ben"]).post(url(event, f"{meeting_id}/accept/"))
    again = client(people["ben"]).post(url(event, f"{meeting_id}/decline/"))

    assert by_requester.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"
    assert again.status_code == 409
    assert Meeting.objects.get().state == "accepted"


def test_decline_and_cancel_free_the_time(event, people, slots):
    anna, ben, carla = people["anna"], people["ben"], people["carla"]
    first = ask(event, anna, ben, slots[0].start, slots[0].end).json()["id"]
    assert client(ben).post(url(event, f"{first}/decline/")).json()["state"] == "declined"

    second = ask(event, carla, ben, slots[0].start, slots[0].end)
    assert second.status_code == 201
    client(ben).post(url(event, f"{second.json()['id']}/accept/"))
    cancelled = client(ben).post(url(event, f"{second.json()['id']}/cancel/"))
    twice = client(carla).post(url(event, f"{second.json()['id']}/cancel/"))

    assert cancelled.json()["state"] == "cancelled"
    assert twice.status_code == 409
    assert ask(event, anna, ben, slots[0].start, slots[0].end).status_code == 201
    assert MeetingHold.objects.filter(user=ben, active=True).count() == 1


def test_reschedule_waits_for_the_other_side(event, people, slots):
    anna, ben = people["anna"], people["ben"]
    meeting_id = ask(event, anna, ben, slots[0].start, slots[0].end).json()["id"]
    client(ben).post(url(event, f"{meeting_id}/accept/"))

    moved = client(anna).post(
        url(event, f"{meeting_id}/reschedule/"),
        {"start": slots[1].start.isoformat(), "end": slots[1].end.isoformat()},
        format="json",
    )

    assert moved.status_code == 200, moved.json()
    assert moved.json()["state"] == "pending"
    assert moved.json()["awaiting_me"] is False
    assert client(anna).post(url(event, f"{meeting_id}/accept/")).status_code == 403
    ben_sees = client(ben).get(url(event, f"{meeting_id}/")).json()
    assert (ben_sees["state"], ben_sees["awaiting_me"]) == ("pending", True)
    # The old time is free again, the new one is held.
    free = client(anna).get(url(event, "slots/"), {"with": ben.pk}).json()
    assert slots[0].start in [timezone.datetime.fromisoformat(slot["start"]) for slot in free]
    assert slots[1].start not in [timezone.datetime.fromisoformat(slot["start"]) for slot in free]

    accepted = client(ben).post(url(event, f"{meeting_id}/accept/"))

    assert accepted.json()["state"] == "accepted"
    meeting = Meeting.objects.get()
    assert (meeting.start, meeting.end) == (slots[1].start, slots[1].end)
    assert set(MeetingHold.objects.values_list("start", "active")) == {(slots[1].start, True)}


def test_reschedule_into_a_busy_time_is_409_and_keeps_the_meeting(event, people, slots):
    anna, ben, carla = people["anna"], people["ben"], people["carla"]
    meeting_id = ask(event, anna, ben, slots[0].start, slots[0].end).json()["id"]
    ask(event, carla, ben, slots[1].start, slots[1].end)
    before = state_of_tables()

    response = client(anna).post(
        url(event, f"{meeting_id}/reschedule/"),
        {"start": slots[1].start.isoformat(), "end": slots[1].end.isoformat()},
        format="json",
    )

    assert response.status_code == 409
    assert state_of_tables() == before


def test_a_declined_reschedule_ends_the_meeting(event, people, slots):
    anna, ben = people["anna"], people["ben"]
    meeting_id = ask(event, anna, ben, slots[0].start, slots[0].end).json()["id"]
    client(ben).post(url(event, f"{meeting_id}/accept/"))
    client(ben).post(
        url(event, f"{meeting_id}/reschedule/"),
        {"start": slots[2].start.isoformat(), "end": slots[2].end.isoformat()},
        format="json",
    )

    declined = client(anna).post(url(event, f"{meeting_id}/decline/"))

    assert declined.json()["state"] == "declined"
    assert not MeetingHold.objects.filter(active=True).exists()


# --- slots --------------------------------------------------------------------------------------


def test_free_slots_leave_out_times_either_side_is_busy(event, people, slots):
    anna, ben, carla = people["anna"], people["ben"], people["carla"]
    ask(event, ben, carla, slots[0].start, slots[0].end)  # ben busy
    ask(event, anna, carla, slots[1].start, slots[1].end)  # anna busy
    session = SessionFactory(
        event=event,
        title="Digitaler Zwilling",
        start=tomorrow(event, 12),
        end=tomorrow(event, 12, 45),
    )
    Favourite.objects.create(user=anna, session=session)

    free = client(anna).get(url(event, "slots/"), {"with": ben.pk})

    assert free.status_code == 200
    starts = [timezone.datetime.fromisoformat(slot["start"]) for slot in free.json()]
    assert starts == [slots[2].start, slots[3].start]
    assert free.json()[0]["warnings"] == []
    assert "Digitaler Zwilling" in free.json()[1]["warnings"][0]
    assert client(anna).get(url(event, "slots/"), {"with": "ben"}).status_code == 400
    assert client(anna).get(url(event, "slots/"), {"with": people["dora"].pk}).status_code == 400


def test_only_organizers_manage_slots(event, people):
    organizer = person(event, "orga", role=Registration.Role.ORGANIZER)
    body = {"start": tomorrow(event, 15).isoformat(), "end": tomorrow(event, 15, 30).isoformat()}
    slots_url = f"/api/v1/events/{event.slug}/meeting-slots/"
    count = MeetingSlot.objects.count()

    assert client(people["anna"]).post(slots_url, body, format="json").status_code == 403
    assert MeetingSlot.objects.count() == count
    created = client(organizer).post(slots_url, body, format="json")
    assert created.status_code == 201
    assert client(organizer).post(slots_url, body, format="json").status_code == 400
    outside = {
        "start": (event.ends_at + timedelta(hours=1)).isoformat(),
        "end": (event.ends_at + timedelta(hours=2)).isoformat(),
    }
    assert client(organizer).post(slots_url, outside, format="json").status_code == 400
    assert len(client(people["anna"]).get(slots_url).json()) == count + 1
    detail = f"{slots_url}{created.json()['id']}/"
    assert client(people["anna"]).delete(detail).status_code == 403
    assert client(organizer).delete(detail).status_code == 204
    assert MeetingSlot.objects.count() == count


# --- agenda and recommendations -----------------------------------------------------------------


def test_accepted_meetings_are_in_the_personal_agenda_ics(event, people, slots):
    anna, ben, carla = people["anna"], people["ben"], people["carla"]
    accepted = ask(event, anna, ben, slots[0].start, slots[0].end, location="Tisch 7").json()["id"]
    client(ben).post(url(event, f"{accepted}/accept/"))
    ask(event, anna, carla, slots[1].start, slots[1].end)  # pending: not in the calendar
    token = Registration.objects.get(event=event, user=anna).agenda_token

    body = APIClient().get(f"/api/v1/agenda/{token}.ics").content.decode()

    assert body.count("BEGIN:VEVENT") == 1
    assert "Ben" in body
    assert "LOCATION:Tisch 7" in body
    assert f"UID:meeting-{Meeting.objects.get(pk=accepted).guid}" in body


def test_pairs_with_a_meeting_are_no_longer_recommended(
    event, people, slots, django_capture_on_commit_callbacks
):
    from matchmaking.models import Profile, Tag

    for slug in ("open-data", "lorawan"):
        Tag.objects.create(event=event, name=slug, slug=slug)
    Profile.objects.filter(user=people["anna"]).update(seeks=["open-data"], offers=["lorawan"])
    Profile.objects.filter(user=people["ben"]).update(seeks=["lorawan"], offers=["open-data"])
    recommendations = f"/api/v1/events/{event.slug}/recommendations/"

    def recommended():
        return [
            item["profile"]["user"] for item in client(people["anna"]).get(recommendations).json()
        ]

    assert people["ben"].pk in recommended()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end).json()
    after_request = recommended()
    with django_capture_on_commit_callbacks(execute=True):
        client(people["ben"]).post(url(event, f"{meeting['id']}/decline/"))
    after_decline = recommended()

    assert people["ben"].pk not in after_request
    assert people["ben"].pk in after_decline


# --- reports ------------------------------------------------------------------------------------


def test_a_report_reaches_the_organizers_and_can_block(event, people):
    organizer = person(event, "orga", role=Registration.Role.ORGANIZER)
    reports_url = f"/api/v1/events/{event.slug}/reports/"

    created = client(people["anna"]).post(
        reports_url,
        {"user": people["ben"].pk, "reason": "Werbung im Chat", "block": True},
        format="json",
    )

    assert created.status_code == 201
    assert Block.objects.filter(blocker=people["anna"], blocked=people["ben"]).exists()
    assert client(people["anna"]).get(reports_url).status_code == 403
    listed = client(organizer).get(reports_url).json()
    assert [(item["reported"]["id"], item["reason"], item["state"]) for item in listed] == [
        (people["ben"].pk, "Werbung im Chat", "open")
    ]
    resolve = f"{reports_url}{listed[0]['id']}/resolve/"
    assert client(people["anna"]).post(resolve).status_code == 403
    assert client(organizer).post(resolve).json()["state"] == "resolved"


def test_bad_reports_are_400_and_store_nothing(event, people):
    reports_url = f"/api/v1/events/{event.slug}/reports/"
    anna = client(people["anna"])

    assert "user" in anna.post(reports_url, {"user": people["anna"].pk, "reason": "x"}).json()
    assert "reason" in anna.post(reports_url, {"user": people["ben"].pk, "reason": "  "}).json()
    assert (
        "conversation"
        in anna.post(
            reports_url, {"user": people["ben"].pk, "reason": "x", "conversation": 424242}
        ).json()
    )
    assert Report.objects.count() == 0


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_counts_do_not_grow(event, people, slots, count, django_assert_max_num_queries):
    anna = people["anna"]
    others = [people["ben"], people["carla"], person(event, "emil")]
    for index in range(count):
        ask(event, anna, others[index], slots[index].start, slots[index].end)
        client(others[index]).post(
            f"/api/v1/events/{event.slug}/reports/", {"user": anna.pk, "reason": "Test"}
        )
    organizer = person(event, "orga", role=Registration.Role.ORGANIZER)
    anna_client, organizer_client = client(anna), client(organizer)

    # Token, event, registration checks, then one query per list (two for free slots).
    with django_assert_max_num_queries(7):
        assert len(anna_client.get(url(event)).json()) == count
    with django_assert_max_num_queries(7):
        assert len(anna_client.get(f"/api/v1/events/{event.slug}/meeting-slots/").json()) == 4
    with django_assert_max_num_queries(9):
        assert anna_client.get(url(event, "slots/"), {"with": people["dora"].pk}).status_code == 400
    with django_assert_max_num_queries(8):
        assert anna_client.get(url(event, "slots/")).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(organizer_client.get(f"/api/v1/events/{event.slug}/reports/").json()) == count


def test_a_request_whose_time_has_passed_can_no_longer_be_accepted(event, people, slots):
    meeting_id = ask(event, people["anna"], people["ben"], slots[0].start, slots[0].end).json()[
        "id"
    ]
    Meeting.objects.filter(pk=meeting_id).update(
        start=timezone.now() - timedelta(minutes=5), end=timezone.now() + timedelta(minutes=25)
    )

    response = client(people["ben"]).post(url(event, f"{meeting_id}/accept/"))

    assert response.status_code == 409
    assert Meeting.objects.get().state == "pending"


def test_organizers_add_a_days_slots_at_once(event, people, slots):
    organizer = person(event, "orga", role=Registration.Role.ORGANIZER)
    series_url = f"/api/v1/events/{event.slug}/meeting-slots/series/"
    day = (event.starts_at + timedelta(days=1)).date().isoformat()
    body = {"day": day, "from": "09:00", "to": "11:00", "minutes": 30}

    created = client(organizer).post(series_url, body, format="json")
    again = client(organizer).post(series_url, body, format="json")

    # 09:00–11:00 in 30 minutes: 09:00 and 09:30 are new, 10:00 and 10:30 existed (the fixture).
    assert created.status_code == 201, created.json()
    starts = [
        timezone.localtime(timezone.datetime.fromisoformat(slot["start"]), event.tz)
        for slot in created.json()
    ]
    assert [start.strftime("%H:%M") for start in starts] == ["09:00", "09:30"]
    assert again.status_code == 201
    assert again.json() == []
    assert MeetingSlot.objects.filter(event=event).count() == len(slots) + 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": "2020-01-01"}, "day"),
        ({"to": "08:00"}, "to"),
        ({"minutes": 3}, "minutes"),
        ({"from": "00:00", "to": "23:55", "minutes": 5}, "minutes"),
        ({"from": "9 Uhr"}, "from"),
    ],
)
def test_a_bad_slot_series_is_400_and_adds_nothing(event, people, slots, change, field):
    organizer = person(event, "orga", role=Registration.Role.ORGANIZER)
    day = (event.starts_at + timedelta(days=1)).date().isoformat()
    body = {"day": day, "from": "09:00", "to": "11:00", "minutes": 30, **change}

    response = client(organizer).post(
        f"/api/v1/events/{event.slug}/meeting-slots/series/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert MeetingSlot.objects.count() == len(slots)
