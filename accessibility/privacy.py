"""What the accessibility app stores about a person: barrier reports and captioner assignments."""

from django.db import transaction

from treffpunkt.privacy import declare, exporter, rows, shredder

from .models import Captioner, Feedback

declare(
    "accessibility.Statement",
    kept={
        "conformance": "Not personal.",
        "body": "The organizers' statement.",
        "known_limits": "The organizers' statement.",
        "contact_email": "The organizers' public contact address.",
        "easy_language": "The organizers' text.",
        "sign_language_video_url": "The organizers' video.",
    },
)
declare("accessibility.RoomMedia", not_personal="A room's captions and sign-language streams.")
declare(
    "accessibility.Feedback",
    exported=("event", "name", "email", "page", "message", "created_at", "is_resolved"),
    erased=("user", "name", "email", "page", "message"),
)
declare("accessibility.Captioner", exported=("session",), erased=("user",))


@exporter("accessibility")
def export_accessibility(user):
    return {
        "barrier_reports": rows(
            Feedback.objects.filter(user=user).order_by("pk"),
            "event__slug",
            "name",
            "email",
            "page",
            "message",
            "created_at",
            "is_resolved",
        ),
        "captioning": rows(
            Captioner.objects.filter(user=user).order_by("pk"), "session_id", "session__title"
        ),
    }


@shredder(
    "accessibility",
    "Deletes the person's barrier reports, also those sent without logging in from their "
    "address, and their captioner assignments.",
)
@transaction.atomic
def shred_accessibility(user, *, strings):
    email = strings[0] if strings else ""
    reports = Feedback.objects.filter(user=user)
    if email:
        reports = reports | Feedback.objects.filter(email__iexact=email)
    return {
        "barrier_reports": reports.delete()[0],
        "captioning": Captioner.objects.filter(user=user).delete()[0],
    }
