"""What onboarding stores about a person; the consent recorder every app records through."""

from django.db import transaction
from django.utils import timezone

from treffpunkt.privacy import (
    consent_checker,
    consent_recorder,
    declare,
    exporter,
    rows,
    scrub_json,
    shredder,
)

from .models import (
    Consent,
    ImportJob,
    Invitation,
    Preferences,
    RegistrationRequest,
    StoredMail,
)

declare(
    "accounts.Preferences",
    exported=("language", "organisation"),
    erased=("user", "language", "organisation"),
)
declare(
    "accounts.StoredMail",
    erased=("to", "subject", "text", "html"),
    kept={"from_email": "The platform's own sender address."},
)
declare(
    "accounts.Invitation",
    exported=("event", "email", "role", "created_at", "accepted_at"),
    erased=("user", "email", "token_hash", "last_error", "language"),
    kept={
        "invited_by": "The organizer who invited (accountability for invitations sent).",
        "role": "Not personal.",
        "delivery": "Not personal.",
    },
)
declare(
    "accounts.ImportJob",
    erased=("content", "report", "error"),
    kept={
        "created_by": "The organizer who imported (accountability for invitations sent).",
        "filename": "The organizer's file name.",
        "language": "Not personal.",
        "state": "Not personal.",
    },
)
declare("accounts.RegistrationPolicy", not_personal="The organizers' texts and settings.")
declare(
    "accounts.RegistrationRequest",
    exported=("event", "state", "created_at"),
    erased=("user",),
    kept={"state": "Not personal."},
)
declare(
    "accounts.Consent",
    exported=(
        "event",
        "document",
        "scope",
        "version",
        "accepted_at",
        "how",
        "withdrawn_at",
        "withdrawn_how",
    ),
    kept={
        "user": "Proof of consent (Art. 7(1) DSGVO), kept on the erased placeholder account.",
        "document": "Not personal.",
        "scope": "A booth id or empty.",
        "version": "The text's version.",
        "how": "The form that recorded it.",
        "withdrawn_how": "The form that recorded it.",
    },
)


@consent_recorder
def record_consent(*, user, event, document, given, method, scope="", version="1"):
    """Add a consent row (unless the same version is already given) or withdraw active ones."""
    active = Consent.objects.filter(
        event=event, user=user, document=document, scope=scope, withdrawn_at=None
    )
    if given:
        if not active.filter(version=version).exists():
            Consent.objects.create(
                event=event, user=user, document=document, scope=scope, version=version, how=method
            )
    else:
        active.update(withdrawn_at=timezone.now(), withdrawn_how=method)


@consent_checker
def has_consent(*, user, event, document, version, scope=""):
    return Consent.objects.filter(
        event=event,
        user=user,
        document=document,
        scope=scope,
        version=version,
        withdrawn_at=None,
    ).exists()


@exporter("accounts")
def export_accounts(user):
    return {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "preferences": rows(Preferences.objects.filter(user=user), "language", "organisation"),
        "invitations": rows(
            Invitation.objects.filter(user=user),
            "event__slug",
            "email",
            "role",
            "created_at",
            "accepted_at",
        ),
        "registration_requests": rows(
            RegistrationRequest.objects.filter(user=user), "event__slug", "state", "created_at"
        ),
        "consents": rows(
            Consent.objects.filter(user=user).order_by("pk"),
            "event__slug",
            "document",
            "scope",
            "version",
            "accepted_at",
            "how",
            "withdrawn_at",
            "withdrawn_how",
        ),
    }


def _scrub(text, strings):
    for string in strings:
        if string:
            text = text.replace(string, "…")
    return text


@shredder(
    "accounts",
    "Deletes preferences, invitations, registration requests and the mails sent to the person; "
    "removes their name and address from other stored mails and from uploaded registration "
    "lists. Consent records stay (proof).",
)
@transaction.atomic
def shred_accounts(user, *, strings):
    email = strings[0] if strings else ""
    mails = StoredMail.objects.filter(to__icontains=email) if email else StoredMail.objects.none()
    counts = {
        "preferences": Preferences.objects.filter(user=user).delete()[0],
        "invitations": Invitation.objects.filter(user=user).delete()[0],
        "registration_requests": RegistrationRequest.objects.filter(user=user).delete()[0],
        "mails": mails.delete()[0],
    }
    scrubbed = 0
    for mail in StoredMail.objects.all().iterator():
        fields = {
            name: _scrub(getattr(mail, name), strings) for name in ("to", "subject", "text", "html")
        }
        if any(fields[name] != getattr(mail, name) for name in fields):
            StoredMail.objects.filter(pk=mail.pk).update(**fields)
            scrubbed += 1
    counts["mails_scrubbed"] = scrubbed
    # Uploaded registration lists name many people; only this person's strings leave them.
    jobs = 0
    for job in ImportJob.objects.filter(content__icontains=email) if email else []:
        job.content = _scrub(job.content, strings)
        job.report = scrub_json(job.report, user_id=user.pk, strings=strings)
        job.error = _scrub(job.error, strings)
        job.save(update_fields=["content", "report", "error"])
        jobs += 1
    counts["imports_scrubbed"] = jobs
    return counts
