"""What notifications store about a person: the inbox, preferences and mail records."""

from django.db import transaction

from treffpunkt.privacy import declare, exporter, rows, scrub_json, shredder, withdrawal_handler

from .models import AnnouncementRecipient, Notification, Preference, SessionNotice

declare(
    "notifications.Notification",
    exported=("kind", "event", "data", "count", "created_at", "read_at", "mailed_at"),
    erased=("user", "data", "calendar", "group"),
    kept={"kind": "Not personal.", "mail_state": "Not personal."},
)
declare("notifications.Preference", exported=("kind", "channel"), erased=("user",))
declare(
    "notifications.AnnouncementRecipient",
    exported=("announcement", "state", "sent_at"),
    erased=("user",),
    kept={"state": "Not personal."},
)
declare(
    "notifications.SessionNotice",
    exported=("session", "kind", "start"),
    erased=("user",),
    kept={"kind": "Not personal."},
)


@exporter("notifications")
def export_notifications(user):
    return {
        "inbox": rows(
            Notification.objects.filter(user=user).order_by("pk"),
            "kind",
            "event__slug",
            "data",
            "count",
            "created_at",
            "read_at",
            "mailed_at",
        ),
        "preferences": rows(Preference.objects.filter(user=user), "kind", "channel"),
        "announcement_mails": rows(
            AnnouncementRecipient.objects.filter(user=user).order_by("pk"),
            "announcement_id",
            "state",
            "sent_at",
        ),
        "session_notices": rows(
            SessionNotice.objects.filter(user=user).order_by("pk"), "session_id", "kind", "start"
        ),
    }


@shredder(
    "notifications",
    "Deletes the person's notifications, preferences, announcement mail records and reminder "
    "records; removes their name from other people's notifications about them.",
)
@transaction.atomic
def shred_notifications(user, *, strings):
    counts = {
        "notifications": Notification.objects.filter(user=user).delete()[0],
        "preferences": Preference.objects.filter(user=user).delete()[0],
        "announcement_mails": AnnouncementRecipient.objects.filter(user=user).delete()[0],
        "session_notices": SessionNotice.objects.filter(user=user).delete()[0],
    }
    scrubbed = 0
    for notification in Notification.objects.only("pk", "data", "calendar").iterator():
        data = scrub_json(notification.data, user_id=user.pk, strings=strings)
        calendar = scrub_json(notification.calendar, user_id=user.pk, strings=strings)
        if data != notification.data or calendar != notification.calendar:
            Notification.objects.filter(pk=notification.pk).update(data=data, calendar=calendar)
            scrubbed += 1
    counts["notifications_scrubbed"] = scrubbed
    return counts


@withdrawal_handler("mail_notifications")
def withdraw_mail_notifications(user, event, scope):
    from .services import withdraw_mail_consent

    withdraw_mail_consent(user, event, scope)
