"""Privacy texts, consent texts and retention of the demo congress, from
``demo/data/privacy.toml``.

The texts of the matchmaking-visibility and lead-sharing consents are seeded in German and
English; the demo's visible profiles are recorded as consenting to the current matchmaking text.

The Datenschutzerklärung and the Impressum go through ``privacy.services.save_event_text``, which
keeps an unchanged text at its version. Saving the notice makes registration ask for it; the demo's
registered people are recorded as having accepted it when they registered (in bulk, as
``demo.congress`` registers them), so no demo log-in is stopped by the consent page. The retention
policy has no service (the organizers' form writes it the same way) and moves with the event.
"""

from datetime import timedelta

from accounts.models import Consent, RegistrationPolicy
from congress.models import Registration
from matchmaking.models import Profile
from privacy.models import EventText, RetentionPolicy
from privacy.services import save_event_text, text_version

from .content import load

# The kinds of data erased, as the summary line names them.
KIND_NAMES = {
    "leads": "Leads",
    "chats": "Chats",
    "visits": "Standbesuche",
    "profiles": "Matchmaking-Profile",
    "registrations": "Anmeldungen",
}


def retention_days():
    return load("privacy")["retention"]["days_after_end"]


def seed_privacy(event, out):
    """The legal texts, the demo people's consent to the notice, the retention policy; one line."""
    data = load("privacy")
    for kind, key in (
        (EventText.Kind.PRIVACY_NOTICE, "privacy_notice"),
        (EventText.Kind.IMPRINT, "imprint"),
    ):
        body = data[key]["body"].strip().format(days=retention_days())
        save_event_text(event=event, kind=kind, language=data[key]["language"], body=body)
    for kind, texts in data["consent_texts"].items():
        for language, body in texts.items():
            body = body.strip().format(days=retention_days())
            save_event_text(event=event, kind=kind, language=language, body=body)
    consents = record_notice_consents(event) + record_optional_consents(event)

    erase_after = event.end_date + timedelta(days=retention_days())
    RetentionPolicy.objects.update_or_create(
        event=event,
        defaults={
            "erase_after": erase_after,
            "kinds": data["retention"]["kinds"],
            "warned_at": None,
            "done_at": None,
        },
    )
    out.write(
        f"Datenschutz: Datenschutzerklärung und Impressum, {consents} Einwilligungen, "
        f"Löschung von {', '.join(KIND_NAMES[kind] for kind in data['retention']['kinds'])} "
        f"am {erase_after:%d.%m.%Y}"
    )


def record_notice_consents(event):
    """Consent to the current notice for every registered person who lacks it; returns how many."""
    return _consent_all(
        event,
        Consent.Document.PRIVACY_NOTICE,
        RegistrationPolicy.objects.get(event=event).privacy_notice_version,
        Registration.objects.filter(event=event).values_list("user_id", flat=True),
    )


def record_optional_consents(event):
    """The consents behind the demo's visible profiles (written in bulk, not through the
    services), to the current text; returns how many there are."""
    document = Consent.Document.MATCHMAKING_VISIBILITY
    return _consent_all(
        event,
        document,
        text_version(event, document),
        Profile.objects.filter(event=event, is_visible=True).values_list("user_id", flat=True),
    )


def _consent_all(event, document, version, user_ids):
    """Record a consent to ``version`` of ``document`` for each of ``user_ids`` that lacks one,
    in bulk; returns how many of them have one now."""
    given = set(
        Consent.objects.filter(
            event=event, document=document, version=version, withdrawn_at=None
        ).values_list("user_id", flat=True)
    )
    user_ids = set(user_ids)
    Consent.objects.bulk_create(
        [
            Consent(event=event, user_id=user_id, document=document, version=version, how="demo")
            for user_id in sorted(user_ids - given)
        ],
        batch_size=500,
    )
    return len(user_ids)


def redate_retention(event):
    """Move the erasure date after the event's (new) end, so a demo moved to today keeps its data."""
    RetentionPolicy.objects.filter(event=event, done_at=None).update(
        erase_after=event.end_date + timedelta(days=retention_days()), warned_at=None
    )
