from collections import defaultdict
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.utils import translation

from congress.models import Event
from conversations.models import Conversation, ConversationMessage
from demo.congress import SLUG, redate_event
from demo.content import load
from matchmaking.models import Meeting, MeetingHold, MeetingSlot, Profile, Tag
from matchmaking.selectors import recommendations_for
from treffpunkt.models import TopicEvent
from treffpunkt.realtime.events import latest_seq

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def demo(seed_output, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Event.objects.get(slug=SLUG)


def profile_of(event, username):
    return Profile.objects.get(event=event, user__username=username)


def counts(event):
    """What a re-run must leave unchanged."""
    meetings = Meeting.objects.filter(event=event)
    return {
        "tags": list(Tag.objects.filter(event=event).values_list("pk", "slug")),
        "profiles": list(
            Profile.objects.filter(event=event)
            .order_by("user_id")
            .values_list("pk", "user_id", "is_visible", "organisation", "interests", "offers")
        ),
        "slots": list(MeetingSlot.objects.filter(event=event).values_list("start", "end")),
        "meetings": list(
            meetings.order_by("guid").values_list(
                "pk", "guid", "requester_id", "invitee_id", "start", "state", "awaiting_id"
            )
        ),
        "holds": MeetingHold.objects.filter(meeting__event=event).count(),
        "conversations": list(
            Conversation.objects.filter(event=event)
            .order_by("pk")
            .values_list("pk", "user_a_id", "user_b_id", "user_a_read_seq", "user_b_read_seq")
        ),
        "messages": list(
            ConversationMessage.objects.filter(conversation__event=event)
            .order_by("pk")
            .values_list("pk", "sender_id", "text", "seq")
        ),
    }


def local_meetings(event):
    return sorted(
        (
            (meeting.start.astimezone(BERLIN).date() - event.start_date).days,
            meeting.start.astimezone(BERLIN).time(),
            meeting.end.astimezone(BERLIN).time(),
            str(meeting.guid),
        )
        for meeting in Meeting.objects.filter(event=event)
    )


def test_demo_prints_one_matchmaking_line(seed_output):
    lines = [line for line in seed_output.splitlines() if line.startswith("Matchmaking: ")]
    assert len(lines) == 1, seed_output
    assert " Profile (" in lines[0] and " Treffen (" in lines[0] and " Nachrichten" in lines[0]
    assert seed_output.index("Matchmaking: ") < seed_output.index("Demo-Zugänge")


def test_demo_profiles_cover_attendees_and_about_60_percent_are_visible(demo):
    profiles = Profile.objects.filter(event=demo)
    assert profiles.count() >= 650
    assert not profiles.filter(user__username="orga").exists()
    assert profiles.filter(user__username__startswith="sprecher").count() == 10
    share = profiles.filter(is_visible=True).count() / profiles.count()
    assert 0.55 <= share <= 0.65, share


def test_demo_visible_profiles_use_the_vocabulary(demo):
    vocabulary = set(Tag.objects.filter(event=demo).values_list("slug", flat=True))
    assert 40 <= len(vocabulary) <= 60
    assert vocabulary == {tag["slug"] for tag in load("matchmaking")["tags"]}
    assert all(slug.isascii() for slug in vocabulary)
    types = set()
    for profile in Profile.objects.filter(event=demo, is_visible=True):
        tags = profile.interests + profile.offers + profile.seeks
        assert tags and set(tags) <= vocabulary, profile.user_id
        assert profile.seeks and profile.offers, profile.user_id
        assert profile.organisation and profile.position and profile.region
        assert 0 < len(profile.bio) <= 500
        assert profile.languages in (["de"], ["de", "en"])
        types.add(profile.organisation_type)
    assert types == set(Profile.OrganisationType.values)


def test_demo_anna_and_ben_recommend_each_other_with_german_reasons(demo):
    anna, ben = profile_of(demo, "anna"), profile_of(demo, "ben")
    assert anna.is_visible and ben.is_visible
    assert (anna.organisation_type, ben.organisation_type) == ("municipality", "provider")
    with translation.override("de"):
        for mine, theirs in ((anna, ben), (ben, anna)):
            recommended = {
                other.pk: reasons for other, _score, reasons in recommendations_for(mine)
            }
            assert theirs.pk in recommended, mine.user.username
            reasons = recommended[theirs.pk]
            assert any(reason.startswith("Sie suchen ") for reason in reasons), reasons
            assert any(reason.startswith("Gemeinsame Interessen: ") for reason in reasons)


def test_demo_anna_and_ben_have_meetings_and_chats_but_not_together(demo):
    users = get_user_model().objects.in_bulk(["anna", "ben"], field_name="username")
    anna, ben = users["anna"], users["ben"]
    assert not Meeting.objects.filter(
        Q(requester=anna, invitee=ben) | Q(requester=ben, invitee=anna), event=demo
    ).exists()
    assert not Conversation.objects.filter(event=demo, user_a__in=users.values()).filter(
        user_b__in=users.values()
    )
    for user in (anna, ben):
        mine = Meeting.objects.filter(Q(requester=user) | Q(invitee=user), event=demo)
        assert 1 <= mine.count() <= 3
        assert mine.filter(state="pending", awaiting=user).count() == 1
        assert mine.filter(state="accepted").count() >= 1
        conversations = Conversation.objects.filter(Q(user_a=user) | Q(user_b=user), event=demo)
        assert conversations.count() == 1
        assert conversations.get().messages.count() >= 3


def test_demo_meetings_lie_in_slots_and_never_overlap(demo):
    slots = list(MeetingSlot.objects.filter(event=demo).values_list("start", "end"))
    assert len(slots) == 2 * 17
    for start, end in slots:
        local = start.astimezone(BERLIN)
        assert local.date() in demo.days
        assert local.strftime("%H:%M") >= "09:00" and end - start == timedelta(minutes=30)
        assert end.astimezone(BERLIN).strftime("%H:%M") <= "17:30"
    meetings = list(Meeting.objects.filter(event=demo))
    assert 60 <= len(meetings) <= 120
    states = {meeting.state for meeting in meetings}
    assert states == {"pending", "accepted", "declined", "cancelled"}
    visible = set(
        Profile.objects.filter(event=demo, is_visible=True).values_list("user_id", flat=True)
    )
    busy = defaultdict(list)
    for meeting in meetings:
        assert any(start <= meeting.start and meeting.end <= end for start, end in slots)
        assert {meeting.requester_id, meeting.invitee_id} <= visible
        assert (meeting.awaiting_id is not None) == (meeting.state == "pending")
        if meeting.state == "pending":
            assert meeting.awaiting_id == meeting.invitee_id
        holds = {hold.user_id: hold for hold in meeting.holds.all()}
        assert set(holds) == {meeting.requester_id, meeting.invitee_id}
        for hold in holds.values():
            assert (hold.start, hold.end) == (meeting.start, meeting.end)
            assert hold.active == meeting.is_active
    for hold in MeetingHold.objects.filter(meeting__event=demo, active=True):
        busy[hold.user_id].append((hold.start, hold.end))
    for user_id, times in busy.items():
        times.sort()
        for (_start, end), (next_start, _end) in zip(times, times[1:], strict=False):
            assert end <= next_start, user_id


def test_demo_conversations_follow_the_event_log(demo):
    conversations = list(Conversation.objects.filter(event=demo, origin="match"))
    assert 30 <= len(conversations) <= 50
    for conversation in conversations:
        assert conversation.user_a_id < conversation.user_b_id
        messages = list(conversation.messages.order_by("seq"))
        assert 1 <= len(messages) <= 5
        events = list(
            TopicEvent.objects.filter(topic=conversation.topic, type="chat.message")
            .order_by("seq")
            .values_list("seq", "data")
        )
        assert [seq for seq, _data in events] == [message.seq for message in messages]
        assert [data["id"] for _seq, data in events] == [message.pk for message in messages]
        assert [data["text"] for _seq, data in events] == [message.text for message in messages]
        assert latest_seq(conversation.topic) == messages[-1].seq
        assert max(conversation.user_a_read_seq, conversation.user_b_read_seq) == messages[-1].seq


def test_demo_anna_has_an_unread_message(demo):
    anna = get_user_model().objects.get(username="anna")
    conversation = Conversation.objects.get(Q(user_a=anna) | Q(user_b=anna), event=demo)
    read = (
        conversation.user_a_read_seq
        if conversation.user_a == anna
        else conversation.user_b_read_seq
    )
    assert conversation.messages.exclude(sender=anna).filter(seq__gt=read).count() == 1


def test_demo_seed_twice_keeps_the_matchmaking_data(demo):
    before = counts(demo)

    call_command("seed_demo", stdout=StringIO())

    assert counts(demo) == before


def test_demo_redate_moves_slots_and_meetings(demo):
    today = demo.start_date
    meetings, slots = local_meetings(demo), MeetingSlot.objects.filter(event=demo).count()
    redate_event(demo, today - timedelta(days=40))
    moved = Meeting.objects.filter(event=demo).order_by("start").first()
    assert moved.start.astimezone(BERLIN).date() >= today - timedelta(days=40)
    assert moved.start.astimezone(BERLIN).date() < today - timedelta(days=38)

    call_command("seed_demo", "--if-empty", stdout=StringIO())

    demo.refresh_from_db()
    assert demo.start_date == today
    assert local_meetings(demo) == meetings
    assert MeetingSlot.objects.filter(event=demo).count() == slots
    for hold in MeetingHold.objects.filter(meeting__event=demo).select_related("meeting"):
        assert (hold.start, hold.end) == (hold.meeting.start, hold.meeting.end)


def test_demo_full_seed_after_an_old_demo_moves_meetings_to_today(demo):
    before = counts(demo)
    redate_event(demo, demo.start_date - timedelta(days=3))

    call_command("seed_demo", stdout=StringIO())

    after = counts(demo)
    assert after["slots"] == before["slots"]
    assert after["meetings"] == before["meetings"]
    assert after["holds"] == before["holds"]


def test_demo_anna_and_ben_are_each_others_top_recommendation(demo):
    anna, ben = profile_of(demo, "anna"), profile_of(demo, "ben")

    tops = [recommendations_for(profile)[0][0] for profile in (anna, ben)]

    assert [top.pk for top in tops] == [ben.pk, anna.pk]
