"""What congress stores about a person, and how it is exported, erased and retained."""

from django.db import transaction
from django.db.models import F, Q

from treffpunkt.privacy import (
    ERASED_NAME,
    declare,
    exporter,
    retention_eraser,
    rows,
    scrub_json,
    shredder,
)

from .models import (
    AnnouncementDismissal,
    Ban,
    ChatMessage,
    Event,
    Favourite,
    ModerationLog,
    Mute,
    PollVote,
    Question,
    QuestionVote,
    Registration,
    Speaker,
)

PROGRAMME = "Programme data published by the organizers; it names no attendee."

declare("congress.Event", not_personal=PROGRAMME)
declare("congress.Room", not_personal=PROGRAMME)
declare("congress.Track", not_personal=PROGRAMME)
declare("congress.Session", not_personal=PROGRAMME)
declare("congress.Session_speakers", not_personal=PROGRAMME)
declare(
    "congress.Poll",
    kept={
        "created_by": "The moderator who asked; an erased one is shown as the placeholder.",
        "question": "Asked in public by a moderator.",
        "state": "Not personal.",
    },
)
declare("congress.PollOption", not_personal="Answers a moderator offered.")
declare(
    "congress.Speaker",
    exported=("name", "organisation", "position", "bio", "photo"),
    erased=("name", "organisation", "position", "bio", "photo", "user"),
    kept={"guid": "A random id of the programme entry."},
)
declare(
    "congress.Registration",
    exported=("event", "role", "created_at"),
    erased=("user", "role", "agenda_token"),
)
declare("congress.Favourite", exported=("session", "created_at"), erased=("user",))
declare(
    "congress.ChatMessage",
    exported=("text", "session", "created_at", "is_deleted"),
    erased=("text",),
    kept={
        "user": "The message stays in the session's history, shown as the erased placeholder.",
        "client_id": "A random id the client chose, for de-duplication.",
    },
)
declare(
    "congress.Question",
    exported=("text", "session", "state", "votes", "created_at"),
    erased=("text",),
    kept={
        "user": "The question stays in the session's history, shown as the erased placeholder.",
        "client_id": "A random id the client chose, for de-duplication.",
        "state": "Not personal.",
    },
)
declare("congress.QuestionVote", exported=("question",), erased=("user",))
declare(
    "congress.PollVote",
    exported=("poll", "option"),
    kept={"user": "Poll results stay whole; the voter becomes the erased placeholder account."},
)
declare(
    "congress.Mute",
    exported=("session", "until", "created_at"),
    erased=("user",),
    kept={"created_by": "The moderator who acted (moderation record)."},
)
declare(
    "congress.Ban",
    exported=("event", "reason", "created_at"),
    erased=("reason",),
    kept={
        "user": "The ban stays on the erased placeholder account.",
        "created_by": "The organizer who acted (moderation record).",
    },
)
declare(
    "congress.ModerationLog",
    exported=("action", "session", "created_at"),
    erased=("detail",),
    kept={
        "actor": "Who moderated: the organizers' accountability record.",
        "target_user": "The record stays on the erased placeholder account.",
        "action": "Not personal: the kind of moderation.",
    },
)


@exporter("congress")
def export_congress(user):
    return {
        "registrations": rows(
            Registration.objects.filter(user=user), "event__slug", "role", "created_at"
        ),
        "agenda": rows(
            Favourite.objects.filter(user=user), "session_id", "session__title", "created_at"
        ),
        "chat_messages": rows(
            ChatMessage.objects.filter(user=user).order_by("pk"),
            "id",
            "session_id",
            "text",
            "is_deleted",
            "created_at",
        ),
        "questions": rows(
            Question.objects.filter(user=user).order_by("pk"),
            "id",
            "session_id",
            "text",
            "state",
            "votes",
            "created_at",
        ),
        "question_votes": rows(QuestionVote.objects.filter(user=user), "question_id"),
        "poll_votes": rows(
            PollVote.objects.filter(user=user), "poll_id", "poll__question", "option__text"
        ),
        "speaker_entries": [
            {
                "event": speaker.event.slug,
                "name": speaker.name,
                "organisation": speaker.organisation,
                "position": speaker.position,
                "bio": speaker.bio,
                "photo": speaker.photo,
            }
            for speaker in Speaker.objects.filter(user=user).select_related("event")
        ],
        "moderation_about_me": {
            "mutes": rows(Mute.objects.filter(user=user), "session_id", "until", "created_at"),
            "bans": rows(Ban.objects.filter(user=user), "event__slug", "reason", "created_at"),
            "log": rows(
                ModerationLog.objects.filter(target_user=user).order_by("pk"),
                "event__slug",
                "session_id",
                "action",
                "created_at",
            ),
        },
    }


@shredder(
    "congress",
    "Deletes registrations, agenda entries, question votes and mutes; removes the text of chat "
    "messages and questions (they stay as the erased placeholder); clears ban reasons and "
    "moderation details; unlinks and blanks speaker entries.",
)
@transaction.atomic
def shred_congress(user, *, strings):
    counts = {
        "registrations": Registration.objects.filter(user=user).delete()[0],
        "agenda": Favourite.objects.filter(user=user).delete()[0],
        "question_votes": QuestionVote.objects.filter(user=user).delete()[0],
        "mutes": Mute.objects.filter(user=user).delete()[0],
        "chat_messages": ChatMessage.objects.filter(user=user).update(text=""),
        "questions": Question.objects.filter(user=user).update(text=""),
        "bans": Ban.objects.filter(user=user).update(reason=""),
    }
    log = ModerationLog.objects.filter(Q(target_user=user) | Q(actor=user))
    counts["moderation_log"] = log.update(detail={})
    # Moderation details of others may quote the person (a deleted message's text).
    for entry in ModerationLog.objects.exclude(detail={}):
        scrubbed = scrub_json(entry.detail, user_id=user.pk, strings=strings)
        if scrubbed != entry.detail:
            entry.detail = scrubbed
            entry.save(update_fields=["detail"])
    speakers = 0
    for speaker in Speaker.objects.filter(user=user):
        if speaker.photo:
            speaker.photo.delete(save=False)
        speaker.name = ERASED_NAME
        speaker.organisation = speaker.position = speaker.bio = ""
        speaker.user = None
        speaker.save()
        # A new programme version: the cached schedule exports named the person.
        Event.objects.filter(pk=speaker.event_id).update(
            programme_version=F("programme_version") + 1
        )
        speakers += 1
    counts["speakers"] = speakers
    return counts


@retention_eraser("chats")
def erase_event_chats(event):
    """Chat messages and questions of the event's sessions, and moderation details."""
    ModerationLog.objects.filter(event=event).update(detail={})
    chats = (
        ChatMessage.objects.filter(session__event=event).delete()[1].get("congress.ChatMessage", 0)
    )
    questions = Question.objects.filter(session__event=event).delete()[1]
    return chats + questions.get("congress.Question", 0)


@retention_eraser("registrations")
def erase_event_registrations(event):
    """Every registration but the organizers' (they still run the event), and agenda entries."""
    Favourite.objects.filter(session__event=event).delete()
    return (
        Registration.objects.filter(event=event)
        .exclude(role=Registration.Role.ORGANIZER)
        .delete()[0]
    )


declare(
    "congress.Announcement",
    kept={
        "created_by": "The organizer who announced (accountability).",
        "text_de": "The organizers' announcement.",
        "text_en": "The organizers' announcement.",
        "level": "Not personal.",
        "audience": "Not personal.",
        "link": "The organizers' link.",
    },
)
declare("congress.AnnouncementDismissal", exported=("announcement", "created_at"), erased=("user",))


@exporter("announcements")
def export_announcement_dismissals(user):
    return {
        "dismissed_announcements": rows(
            AnnouncementDismissal.objects.filter(user=user).order_by("pk"),
            "announcement_id",
            "created_at",
        )
    }


@shredder("announcements", "Deletes which announcements the person dismissed.")
def shred_announcement_dismissals(user, *, strings):
    return {"dismissals": AnnouncementDismissal.objects.filter(user=user).delete()[0]}
