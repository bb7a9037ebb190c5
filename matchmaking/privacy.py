"""What matchmaking stores about a person, and how it is exported, erased and retained."""

from django.db import transaction
from django.db.models import Q

from treffpunkt.privacy import (
    declare,
    exporter,
    retention_eraser,
    rows,
    shredder,
    withdrawal_handler,
)

from .meetings import _notify
from .models import Block, Meeting, MeetingHold, Profile, Report
from .services import bump_version

PROFILE_FIELDS = (
    "is_visible",
    "organisation",
    "organisation_type",
    "position",
    "region",
    "interests",
    "offers",
    "seeks",
    "languages",
    "bio",
)

declare("matchmaking.Tag", not_personal="The organizers' tag vocabulary.")
declare("matchmaking.MeetingSlot", not_personal="The organizers' meeting times.")
declare(
    "matchmaking.Profile",
    exported=("event", *PROFILE_FIELDS, "updated_at"),
    erased=("user", *PROFILE_FIELDS),
)
declare(
    "matchmaking.Block",
    exported=("blocked", "created_at"),
    erased=("blocker", "blocked"),
)
declare(
    "matchmaking.Meeting",
    exported=("requester", "invitee", "start", "end", "message", "location", "state"),
    erased=("requester", "invitee", "awaiting", "message", "location"),
    kept={"guid": "A random id.", "state": "Not personal."},
)
declare("matchmaking.MeetingHold", exported=("meeting",), erased=("user",))
declare(
    "matchmaking.Report",
    exported=("reason", "state", "created_at"),
    erased=("reason",),
    kept={
        "reporter": "Moderation record; the erased side becomes the placeholder account.",
        "reported": "Moderation record about the erased placeholder account.",
        "resolved_by": "The organizer who handled it (accountability).",
        "state": "Not personal.",
    },
)


@exporter("matchmaking")
def export_matchmaking(user):
    meetings = (
        Meeting.objects.filter(Q(requester=user) | Q(invitee=user))
        .select_related("event", "requester", "invitee")
        .order_by("pk")
    )
    from congress.live_services import display_name

    return {
        "profiles": rows(Profile.objects.filter(user=user), "event__slug", *PROFILE_FIELDS),
        "blocks": rows(
            Block.objects.filter(blocker=user), "event__slug", "blocked_id", "created_at"
        ),
        "meetings": [
            {
                "id": meeting.pk,
                "event": meeting.event.slug,
                "with": display_name(
                    meeting.invitee if meeting.requester_id == user.pk else meeting.requester
                ),
                "i_asked": meeting.requester_id == user.pk,
                "start": meeting.start,
                "end": meeting.end,
                "message": meeting.message,
                "location": meeting.location,
                "state": meeting.state,
            }
            for meeting in meetings
        ],
        "reports_filed": rows(
            Report.objects.filter(reporter=user), "event__slug", "reason", "state", "created_at"
        ),
        "reports_about_me": rows(
            Report.objects.filter(reported=user), "event__slug", "state", "created_at"
        ),
    }


@shredder(
    "matchmaking",
    "Deletes profiles, blocks and meetings (the other side of a pending or accepted meeting is "
    "told it was cancelled); clears the text of reports the person filed.",
)
@transaction.atomic
def shred_matchmaking(user, *, strings):
    meetings = Meeting.objects.filter(Q(requester=user) | Q(invitee=user)).select_related(
        "event", "requester", "invitee"
    )
    for meeting in meetings:
        if meeting.is_active:
            meeting.state = Meeting.State.CANCELLED
            meeting.message = meeting.location = ""
            meeting.awaiting = None
            _notify(meeting, actor=user, what="cancelled")
    events = {profile.event for profile in Profile.objects.filter(user=user)}
    counts = {
        "meeting_holds": MeetingHold.objects.filter(user=user).delete()[0],
        "meetings": meetings.delete()[0],
        "profiles": Profile.objects.filter(user=user).delete()[0],
        "blocks": Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()[0],
        "reports_filed": Report.objects.filter(reporter=user).update(reason=""),
    }
    for event in events:
        bump_version(event)
    return counts


@retention_eraser("profiles")
def erase_event_profiles(event):
    """Profiles, blocks, meetings and reports of the event."""
    count = Profile.objects.filter(event=event).delete()[0]
    Block.objects.filter(event=event).delete()
    Meeting.objects.filter(event=event).delete()
    Report.objects.filter(event=event).update(reason="")
    bump_version(event)
    return count


@withdrawal_handler("matchmaking_visibility")
def hide_profile(user, event, scope):
    """Withdrawn visibility takes effect at once: the profile leaves every recommendation."""
    if Profile.objects.filter(event=event, user=user, is_visible=True).update(is_visible=False):
        bump_version(event)
