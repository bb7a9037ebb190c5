"""What the expo stores about a person, and how it is exported, erased and retained."""

from django.db import transaction

from treffpunkt.privacy import (
    declare,
    exporter,
    retention_eraser,
    rows,
    shredder,
    withdrawal_handler,
)

from .models import BoothVisit, ContactRequest, ExhibitorStaff, Lead

BOOTH = "The exhibitor's published booth content (an organisation, not a person)."

declare("expo.Category", not_personal="The organizers' booth categories.")
declare(
    "expo.Exhibitor",
    kept={
        "name": BOOTH,
        "slug": BOOTH,
        "tagline": BOOTH,
        "description": BOOTH,
        "website": BOOTH,
        "social_links": BOOTH,
        "video_url": BOOTH,
        "logo": BOOTH,
        "tier": BOOTH,
        "status": BOOTH,
        "review_note": "The organizers' note on the booth content, not on a person.",
    },
)
declare("expo.Exhibitor_categories", not_personal=BOOTH)
declare("expo.ExpoSettings", not_personal="The event's expo settings.")
declare("expo.Product", not_personal=BOOTH)
declare("expo.Download", not_personal=BOOTH)
declare(
    "expo.ContactPerson",
    kept={
        "name": "A contact the exhibitor publishes on its booth; not linked to an account, "
        "the exhibitor answers for it and removes it with the booth.",
        "position": "As name.",
        "email": "As name.",
    },
)
declare(
    "expo.ExhibitorStaff",
    exported=("exhibitor", "role"),
    erased=("user",),
    kept={"role": "Not personal."},
)
declare(
    "expo.Lead",
    exported=("exhibitor", "consent", "consented_at", "message"),
    erased=("user", "message", "consent", "consented_at"),
)
declare("expo.BoothVisit", exported=("exhibitor", "day"), erased=("user", "day"))
declare(
    "expo.ContactRequest",
    exported=("exhibitor", "message", "status", "created_at"),
    erased=("user", "message"),
    kept={
        "accepted_by": "The staff member who answered; the booth's record of its own work.",
        "status": "Not personal.",
    },
)


declare(
    "expo.BoothRevision",
    kept={
        "created_by": "The booth staff member who made the edit (accountability for review).",
        "fields": "The exhibitor's booth content awaiting review.",
        "category_ids": "Not personal.",
        "logo": "The exhibitor's new booth logo awaiting review.",
    },
)


@exporter("expo")
def export_expo(user):
    return {
        "leads_given": rows(
            Lead.objects.filter(user=user).order_by("pk"),
            "exhibitor__name",
            "consent",
            "consented_at",
            "message",
        ),
        "booth_visits": rows(
            BoothVisit.objects.filter(user=user).order_by("pk"), "exhibitor__name", "day"
        ),
        "contact_requests": rows(
            ContactRequest.objects.filter(user=user).order_by("pk"),
            "exhibitor__name",
            "message",
            "status",
            "created_at",
        ),
        "booth_staff": rows(ExhibitorStaff.objects.filter(user=user), "exhibitor__name", "role"),
    }


@shredder(
    "expo",
    "Deletes the person's leads, booth visits, contact requests and booth-staff memberships.",
)
@transaction.atomic
def shred_expo(user, *, strings):
    return {
        "leads": Lead.objects.filter(user=user).delete()[0],
        "booth_visits": BoothVisit.objects.filter(user=user).delete()[0],
        "contact_requests": ContactRequest.objects.filter(user=user).delete()[0],
        "booth_staff": ExhibitorStaff.objects.filter(user=user).delete()[0],
    }


@retention_eraser("leads")
def erase_event_leads(event):
    return Lead.objects.filter(exhibitor__event=event).delete()[0]


@retention_eraser("visits")
def erase_event_visits(event):
    visits = BoothVisit.objects.filter(exhibitor__event=event).delete()[0]
    return visits + ContactRequest.objects.filter(exhibitor__event=event).delete()[0]


@withdrawal_handler("lead_sharing")
def delete_lead(user, event, scope):
    """Withdrawn lead sharing deletes the lead: the booth no longer sees it."""
    kind, _sep, exhibitor_id = scope.partition(":")
    if kind == "booth" and exhibitor_id.isdigit():
        Lead.objects.filter(exhibitor_id=int(exhibitor_id), user=user).delete()
