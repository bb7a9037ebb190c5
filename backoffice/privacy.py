"""What the back office stores about a person, and how it is exported and erased.

Attendance is kept as keyed hashes (``viewers.viewer_key``), never names; a person's own rows are
found by recomputing their hash.
"""

import json

from django.db import transaction

from treffpunkt.privacy import declare, exporter, rows, scrub_json, shredder

from .models import ProgrammeVisit, SessionViewer, WebhookDelivery
from .viewers import user_key

ORGANIZER = "The organizer who did it (accountability)."
PROGRAMME_TEXT = "The imported programme's titles and speakers' public names, as published."

declare("backoffice.ScheduleSource", not_personal="The organizers' schedule URL and results.")
declare("backoffice.ImportedObject", not_personal="Ids of the imported schedule's objects.")
declare(
    "backoffice.ScheduleImport",
    kept={
        "created_by": ORGANIZER,
        "source": "The organizers' schedule file name or URL.",
        "version": "Not personal.",
        "summary": "Counts.",
        "conflicts": PROGRAMME_TEXT,
        "refused": PROGRAMME_TEXT,
        "warnings": PROGRAMME_TEXT,
    },
)
declare(
    "backoffice.Release",
    kept={
        "created_by": ORGANIZER,
        "version": "Not personal.",
        "note": "The organizers' release note.",
        "snapshot": "The published programme, speakers' public names included.",
        "diff": "Changes to the published programme.",
    },
)
declare("backoffice.ProgrammeVisit", exported=("event", "seen_at"), erased=("user",))
declare("backoffice.SessionViewer", exported=("session", "first_seen"), erased=("viewer",))
declare("backoffice.SessionPeak", not_personal="A count per session.")
declare(
    "backoffice.Webhook",
    kept={
        "created_by": ORGANIZER,
        "url": "The receiving endpoint of an organizer or exhibitor.",
        "secret": "A shared signing secret, about nobody.",
        "events": "Not personal.",
        "scope": "A booth id or empty.",
    },
)
declare(
    "backoffice.WebhookDelivery",
    erased=("body",),
    kept={"name": "Not personal.", "status": "Not personal."},
)
declare(
    "backoffice.DeliveryAttempt",
    kept={"error": "The receiver's technical answer, about nobody."},
)


@exporter("backoffice")
def export_backoffice(user):
    return {
        "programme_visits": rows(
            ProgrammeVisit.objects.filter(user=user).order_by("pk"), "event__slug", "seen_at"
        ),
        "sessions_watched": rows(
            SessionViewer.objects.filter(viewer=user_key(user)).order_by("pk"),
            "session_id",
            "session__title",
            "first_seen",
        ),
    }


@shredder(
    "backoffice",
    "Deletes the person's programme visits and attendance records (the session counts drop by "
    "one); removes their name and address from stored webhook deliveries.",
)
@transaction.atomic
def shred_backoffice(user, *, strings):
    counts = {
        "programme_visits": ProgrammeVisit.objects.filter(user=user).delete()[0],
        "sessions_watched": SessionViewer.objects.filter(viewer=user_key(user)).delete()[0],
    }
    scrubbed = 0
    for delivery in WebhookDelivery.objects.all().iterator():
        payload = json.loads(delivery.body)
        scrubbed_payload = scrub_json(payload, user_id=user.pk, strings=strings)
        if scrubbed_payload != payload:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                body=json.dumps(scrubbed_payload, separators=(",", ":"))
            )
            scrubbed += 1
    counts["webhook_deliveries_scrubbed"] = scrubbed
    return counts
