"""The networking pages of the web client: profile editor, person page, meetings, messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from congress.models import Registration
from conversations import selectors as conversation_selectors
from conversations import services as conversation_services
from conversations.models import Conversation
from matchmaking import meetings
from matchmaking.models import Block, Meeting, MeetingSlot, Profile, Report
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.matchmaking.factories import ProfileFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    today = timezone.localdate()
    return EventFactory(start_date=today, end_date=today + timedelta(days=1))


def tomorrow(event, hour, minute=0):
    return event.starts_at + timedelta(days=1, hours=hour, minutes=minute)


@pytest.fixture
def slot(event):
    return MeetingSlot.objects.create(
        event=event, start=tomorrow(event, 10), end=tomorrow(event, 10, 30)
    )


@pytest.fixture
def tags(event):
    return {
        slug: TagFactory(event=event, slug=slug, name=name)
        for slug, name in (
            ("open-data", "Open-Data-Plattform"),
            ("beratung", "Beratung"),
            ("mobilitaet", "Mobilität"),
        )
    }


def person(event, username, *, visible=True, **profile):
    user = UserFactory(username=username, first_name=username.title())
    RegistrationFactory(event=event, user=user, role=Registration.Role.ATTENDEE)
    ProfileFactory(event=event, user=user, is_visible=visible, **profile)
    return user


@pytest.fixture
def anna(event, tags):
    return person(
        event,
        "anna",
        visible=False,
        organisation="Stadt Kassel",
        organisation_type="municipality",
        seeks=["open-data"],
        offers=["beratung"],
        interests=["mobilitaet"],
    )


@pytest.fixture
def ben(event, tags):
    return person(
        event,
        "ben",
        organisation="Datenwerk GmbH",
        organisation_type="provider",
        offers=["open-data"],
        seeks=["beratung"],
        interests=["mobilitaet"],
    )


def url(event, path=""):
    return f"/events/{event.slug}/{path}"


def test_profile_editor_saves_and_opts_in_and_out(client, event, anna):
    client.force_login(anna)
    data = {
        "is_visible": "on",
        "organisation": "Stadt Kassel",
        "organisation_type": "county",
        "position": "Digitalisierung",
        "region": "Hessen",
        "interests": ["mobilitaet"],
        "offers": ["beratung"],
        "seeks": ["open-data", "beratung"],
        "languages": ["de", "en"],
        "bio": "Ich baue ein Datenportal.",
    }

    opted_in = client.post(url(event, "networking/"), data)
    profile = Profile.objects.get(event=event, user=anna)
    saved = (profile.is_visible, profile.organisation_type, profile.seeks, profile.languages)
    opted_out = client.post(url(event, "networking/"), {**data, "is_visible": ""}, follow=True)
    profile.refresh_from_db()

    assert opted_in.status_code == 302
    assert saved == (True, "county", ["open-data", "beratung"], ["de", "en"])
    assert profile.is_visible is False
    assert profile.bio == "Ich baue ein Datenportal."
    assert "Ihr Profil ist wieder verborgen" in opted_out.content.decode()


def test_profile_editor_refuses_unknown_tag_and_saves_nothing(client, event, anna):
    client.force_login(anna)

    response = client.post(
        url(event, "networking/"),
        {"is_visible": "on", "organisation_type": "county", "seeks": ["raumfahrt"]},
    )

    profile = Profile.objects.get(event=event, user=anna)
    assert response.status_code == 400
    assert (profile.is_visible, profile.organisation_type) == (False, "municipality")


def test_hidden_profile_sees_opt_in_explanation_not_recommendations(client, event, anna, ben):
    client.force_login(anna)

    hidden = client.get(url(event, "networking/")).content.decode()
    Profile.objects.filter(user=anna).update(is_visible=True)
    visible = client.get(url(event, "networking/"))

    assert "Ihr Profil ist verborgen" in hidden
    assert "data-opt-in-needed" in hidden
    assert "Treffen anfragen" not in hidden
    assert visible.status_code == 200
    assert [
        (item["profile"].user, item["reasons"]) for item in visible.context["recommendations"]
    ] == [
        (
            ben,
            [
                "Sie suchen Open-Data-Plattform – bietet: Open-Data-Plattform",
                "Sucht Beratung – Sie bieten: Beratung",
                "Gemeinsame Interessen: Mobilität",
                "Kommune trifft Lösungsanbieter",
            ],
        )
    ]
    html = visible.content.decode()
    assert "data-opt-in-needed" not in html
    assert "Treffen anfragen" in html
    assert "Nachricht schreiben" in html


def test_profile_list_searches_and_filters_by_organisation_type(client, event, anna, ben):
    person(event, "carla", organisation="Hochschule Fulda", organisation_type="research")
    person(event, "dora", visible=False, organisation="Datenwerk Zwei")
    client.force_login(anna)

    everyone = client.get(url(event, "networking/"))
    by_text = client.get(url(event, "networking/"), {"q": "datenwerk"})
    by_type = client.get(url(event, "networking/"), {"organisation_type": "research"})

    def names(response):
        return [profile.user.username for profile in response.context["page"].object_list]

    assert names(everyone) == ["ben", "carla"]
    assert names(by_text) == ["ben"]
    assert names(by_type) == ["carla"]


def test_request_meeting_from_the_person_page(client, event, anna, ben, slot):
    Profile.objects.filter(user=anna).update(is_visible=True)
    client.force_login(anna)
    page = client.get(url(event, f"networking/{ben.pk}/"))
    value = page.context["form"].fields["slot"].widget.choices[1][0]

    response = client.post(
        url(event, f"networking/{ben.pk}/"),
        {"slot": value, "message": "Kaffee?", "location": "Tisch 12"},
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(event, "meetings/")
    assert (meeting.requester, meeting.invitee, meeting.start, meeting.location) == (
        anna,
        ben,
        slot.start,
        "Tisch 12",
    )


def test_request_form_shows_409_message_when_the_slot_is_taken(client, event, anna, ben, slot):
    carla = person(event, "carla")
    meetings.request_meeting(event, user=carla, invitee_id=ben.pk, start=slot.start, end=slot.end)
    client.force_login(anna)
    value = f"{slot.start.isoformat()}/{slot.end.isoformat()}"

    response = client.post(url(event, f"networking/{ben.pk}/"), {"slot": value})

    assert response.status_code == 409
    assert "Ben ist zu dieser Zeit nicht verfügbar" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_meetings_page_groups_and_accepts(client, event, anna, ben, slot):
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    client.force_login(ben)

    page = client.get(url(event, "meetings/"))
    accepted = client.post(url(event, f"meetings/{meeting.pk}/accept/"), follow=True)
    meeting.refresh_from_db()

    assert [row.meeting for row in page.context["awaiting"]] == [meeting]
    assert page.context["sent"] == []
    assert "Annehmen" in page.content.decode()
    assert meeting.state == Meeting.State.ACCEPTED
    assert [row.meeting for row in accepted.context["accepted"]] == [meeting]
    assert "Absagen" in accepted.content.decode()


def test_meeting_of_others_is_404_and_unchanged(client, event, anna, ben, slot):
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    carla = person(event, "carla")
    client.force_login(carla)

    response = client.post(url(event, f"meetings/{meeting.pk}/cancel/"))

    meeting.refresh_from_db()
    assert response.status_code == 404
    assert meeting.state == Meeting.State.PENDING


def test_agenda_shows_accepted_meeting(client, event, anna, ben, slot):
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end, location="Tisch 3"
    )
    meetings.accept_meeting(meeting, user=ben)
    client.force_login(anna)

    html = client.get(url(event, "agenda/")).content.decode()

    assert "Treffen mit Ben" in html
    assert "Tisch 3" in html


def test_write_a_message_opens_the_conversation(client, event, anna, ben):
    client.force_login(anna)

    response = client.post(url(event, f"networking/{ben.pk}/message/"))

    conversation = conversation_selectors.conversations_for(anna, event).get()
    assert response.status_code == 302
    assert response["Location"] == url(event, f"messages/{conversation.pk}/")
    assert conversation.origin == "match"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'data-topic="conversation:{conversation.pk}"' in page.content.decode()


def test_third_party_cannot_open_someone_elses_conversation(client, event, anna, ben):
    conversation, _created = conversation_services.open_conversation(
        user=anna, other=ben, event=event
    )
    carla = person(event, "carla")
    client.force_login(carla)

    assert client.get(url(event, f"messages/{conversation.pk}/")).status_code == 404
    assert client.get(url(event, "messages/")).context["items"] == []


def test_messages_list_shows_unread_counts(client, event, anna, ben):
    conversation, _created = conversation_services.open_conversation(
        user=anna, other=ben, event=event
    )
    conversation_services.send_conversation_message(
        user=anna, conversation=conversation, text="Hallo", client_id="c1"
    )
    client.force_login(ben)

    response = client.get(url(event, "messages/"))

    assert [(item["name"], item["unread"]) for item in response.context["items"]] == [("Anna", 1)]
    assert response.context["unread_total"] == 1
    assert "1 ungelesen" in response.content.decode()


def test_block_from_the_person_page(client, event, anna, ben):
    client.force_login(anna)

    response = client.post(url(event, f"networking/{ben.pk}/block/"))

    assert response.status_code == 302
    assert Block.objects.filter(event=event, blocker=anna, blocked=ben).count() == 1
    assert client.get(url(event, f"networking/{ben.pk}/")).status_code == 404


def test_a_block_is_listed_and_can_be_lifted(client, event, anna, ben):
    Block.objects.create(event=event, blocker=anna, blocked=ben)
    client.force_login(anna)

    listed = client.get(url(event, "networking/")).content.decode()
    lifted = client.post(url(event, f"networking/{ben.pk}/unblock/"))

    assert f"networking/{ben.pk}/unblock/" in listed
    assert lifted.status_code == 302
    assert not Block.objects.filter(event=event).exists()
    assert client.get(url(event, f"networking/{ben.pk}/")).status_code == 200


def test_report_from_a_conversation_blocks_too(client, event, anna, ben):
    conversation, _created = conversation_services.open_conversation(
        user=anna, other=ben, event=event
    )
    client.force_login(anna)

    response = client.post(
        url(event, f"networking/{ben.pk}/report/"),
        {"reason": "Unfreundlich", "block": "on", "conversation": conversation.pk},
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.reporter, report.reported, report.conversation) == (anna, ben, conversation)
    assert Block.objects.filter(event=event, blocker=anna, blocked=ben).exists()


@pytest.mark.parametrize(
    "path",
    ["networking/", "networking/{ben}/", "meetings/", "messages/", "messages/{conversation}/"],
)
def test_pages_show_nothing_to_an_unregistered_user(client, event, anna, ben, path):
    conversation, _created = conversation_services.open_conversation(
        user=anna, other=ben, event=event
    )
    outsider = UserFactory(username="outsider")
    full = url(event, path.format(ben=ben.pk, conversation=conversation.pk))

    anonymous = client.get(full)
    client.force_login(outsider)
    refused = client.get(full)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert refused.status_code == 403
    assert "Ben" not in refused.content.decode()
    assert not Profile.objects.filter(user=outsider).exists()


def test_reschedule_proposes_a_free_slot_and_waits_for_the_other_side(
    client, event, anna, ben, slot
):
    later = MeetingSlot.objects.create(
        event=event, start=tomorrow(event, 11), end=tomorrow(event, 11, 30)
    )
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    meetings.accept_meeting(meeting, user=ben)
    client.force_login(anna)
    page = client.get(url(event, "meetings/"))
    choices = page.context["accepted"][0].reschedule_form.fields["slot"].widget.choices

    response = client.post(
        url(event, f"meetings/{meeting.pk}/reschedule/"),
        {f"meeting-{meeting.pk}-slot": choices[1][0]},
    )

    meeting.refresh_from_db()
    assert len(choices) == 2
    assert response.status_code == 302
    assert (meeting.state, meeting.start, meeting.awaiting) == (
        Meeting.State.PENDING,
        later.start,
        ben,
    )


def test_person_page_shows_profile_and_free_slots(client, event, anna, ben, slot):
    Profile.objects.filter(user=ben).update(languages=["de", "en"], region="Hessen")
    client.force_login(anna)

    response = client.get(url(event, f"networking/{ben.pk}/"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [item["start"] for item in response.context["slots"]] == [slot.start]
    assert "Deutsch, Englisch" in html
    assert "Open-Data-Plattform" in html
    assert "Blockieren" in html
    assert "Melden" in html


@pytest.mark.parametrize("count", [1, 3])
def test_messages_list_query_count_is_constant(
    client, event, anna, count, django_assert_num_queries
):
    for index in range(count):
        other = person(event, f"other{index}")
        conversation_services.open_conversation(user=other, other=anna, event=event)
    client.force_login(anna)

    # session, user, event, registration and ban (access rule), conversations with unread counts
    with django_assert_num_queries(6):
        response = client.get(url(event, "messages/"))

    assert len(response.context["items"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_agenda_with_meetings_query_count_is_constant(
    client, event, anna, count, django_assert_num_queries
):
    for index in range(count):
        other = person(event, f"other{index}")
        slot = MeetingSlot.objects.create(
            event=event, start=tomorrow(event, 9 + index), end=tomorrow(event, 9 + index, 30)
        )
        meeting, _warnings = meetings.request_meeting(
            event, user=anna, invitee_id=other.pk, start=slot.start, end=slot.end
        )
        meetings.accept_meeting(meeting, user=other)
    client.force_login(anna)

    # session, user, event, agenda sessions, accepted meetings, registration
    with django_assert_num_queries(6):
        response = client.get(url(event, "agenda/"))

    assert sum(len(entries) for _day, entries in response.context["days"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_meetings_page_query_count_is_constant(
    client, event, anna, count, django_assert_num_queries
):
    for index in range(count):
        other = person(event, f"other{index}")
        slot = MeetingSlot.objects.create(
            event=event, start=tomorrow(event, 9 + index), end=tomorrow(event, 9 + index, 30)
        )
        meeting, _warnings = meetings.request_meeting(
            event, user=anna, invitee_id=other.pk, start=slot.start, end=slot.end
        )
        meetings.accept_meeting(meeting, user=other)
    client.force_login(anna)

    # session, user, event, registration and ban (access rule), meetings, then for the free times
    # to move each meeting to: slots, holds, agenda sessions; conversations (the nav badge)
    with django_assert_num_queries(10):
        response = client.get(url(event, "meetings/"))

    assert len(response.context["accepted"]) == count


def test_a_meeting_partner_stays_reachable_after_hiding_their_profile(
    client, event, anna, ben, slot
):
    meeting, _warnings = meetings.request_meeting(
        event, user=anna, invitee_id=ben.pk, start=slot.start, end=slot.end
    )
    Profile.objects.filter(user=ben).update(is_visible=False)
    client.force_login(anna)

    page = client.get(url(event, "meetings/")).content.decode()
    response = client.post(url(event, f"networking/{ben.pk}/message/"))

    assert f"networking/{ben.pk}/message/" in page
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert response["Location"].endswith(f"/messages/{conversation.pk}/")
    # Without a meeting, a hidden profile stays out of reach.
    meetings.cancel_meeting(meeting, user=anna)
    assert client.post(url(event, f"networking/{ben.pk}/message/")).status_code == 404
