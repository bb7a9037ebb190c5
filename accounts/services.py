"""Invitations, the registration import and booth staff invitations: every onboarding change.

Each function raises :class:`OnboardingError` (a DomainError naming the field at fault) or
AccessDenied. Invitation mails are queued as background jobs once the change is committed.
"""

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congress.models import Registration, Speaker
from congress.permissions import forget_roles
from expo.models import Exhibitor, ExhibitorStaff
from treffpunkt.access import allowed, require
from treffpunkt.errors import DomainError

from .mail import build_mail, language_for
from .models import (
    ROLE_FOR_INVITATION,
    ImportJob,
    Invitation,
    Preferences,
    hash_token,
    unusable_token_hash,
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024

ROLE_NAMES = {
    "": Invitation.Role.ATTENDEE,
    "attendee": Invitation.Role.ATTENDEE,
    "speaker": Invitation.Role.SPEAKER,
    "exhibitor staff": Invitation.Role.EXHIBITOR_STAFF,
    "exhibitor_staff": Invitation.Role.EXHIBITOR_STAFF,
    "exhibitor": Invitation.Role.EXHIBITOR_STAFF,
}
HEADER_NAMES = {
    "email": "email",
    "e-mail": "email",
    "e_mail": "email",
    "first_name": "first_name",
    "first name": "first_name",
    "last_name": "last_name",
    "last name": "last_name",
    "organisation": "organisation",
    "organization": "organisation",
    "role": "role",
    "booth": "booth",
}


class OnboardingError(DomainError):
    pass


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRE_DAYS)


def _event_language(event):
    languages = [code for code in (event.languages or []) if code in dict(settings.LANGUAGES)]
    return languages[0] if languages else settings.LANGUAGE_CODE


def _queue_mails(invitation_ids):
    from .tasks import enqueue_invitations

    if invitation_ids:
        ids = list(invitation_ids)
        transaction.on_commit(lambda: enqueue_invitations(ids))


def _create_person(*, email, first_name, last_name, organisation, language):
    """A new account without a password; the invitation link lets its owner choose one."""
    User = get_user_model()
    username = email.lower()
    if User.objects.filter(username__iexact=username).exists():
        username = f"{username[:140]}-{User.objects.count()}"
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    Preferences.objects.create(user=user, language=language, organisation=organisation)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def _invite(*, event, user, email, role, exhibitor_id, language, by):
    return Invitation.objects.create(
        event=event,
        user=user,
        email=email,
        role=role,
        exhibitor_id=exhibitor_id,
        language=language,
        invited_by=by,
        expires_at=_expiry(),
    )


def _claim_speaker(event, user, name):
    """Link the event's unclaimed Speaker profile of this name to the invited person."""
    if not name:
        return None
    speaker = Speaker.objects.filter(event=event, user__isnull=True, name__iexact=name).first()
    if speaker is not None and not Speaker.objects.filter(event=event, user=user).exists():
        speaker.user = user
        speaker.save(update_fields=["user"])
    return speaker


@dataclass
class ImportReport:
    dry_run: bool
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    invitations: int = 0

    def as_dict(self):
        return {
            "dry_run": self.dry_run,
            "created": len(self.created),
            "updated": len(self.updated),
            "skipped": len(self.skipped),
            "rejected": self.rejected,
            "invitations": self.invitations,
            "rows": self.created + self.updated + self.skipped,
        }


def read_csv_text(file):
    """The text of an uploaded CSV file. Raises OnboardingError (too large, not UTF-8, no header)."""
    raw = file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise OnboardingError(_("The file is larger than 5 MB."), field="file", code="too_large")
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise OnboardingError(
            _("The file is not UTF-8 encoded text."), field="file", code="encoding"
        ) from None
    _reader_and_columns(text)
    return text


def _reader_and_columns(text):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    columns = [HEADER_NAMES.get(name.strip().lower()) for name in (header or [])]
    if "email" not in columns:
        raise OnboardingError(
            _("The first line must name the columns, among them “email”."),
            field="file",
            code="no_header",
        )
    return reader, columns


def _read_rows(file):
    reader, columns = _reader_and_columns(read_csv_text(file))
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: "" for name in HEADER_NAMES.values()}
        for name, cell in zip(columns, cells, strict=False):
            if name:
                row[name] = cell.strip()
        yield line, row


def _check_row(row, *, seen, booths):
    """The row's role and booth, or raise ValueError with the reason it is rejected."""
    email = row["email"]
    if not email:
        raise ValueError(_("The e-mail address is missing."))
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(
            _("“%(email)s” is not a valid e-mail address.") % {"email": email}
        ) from None
    if email.lower() in seen:
        raise ValueError(
            _("The same e-mail address is already in line %(line)s.")
            % {"line": seen[email.lower()]}
        )
    role = ROLE_NAMES.get(row["role"].lower().replace("-", " "))
    if role is None:
        raise ValueError(
            _("Unknown role “%(role)s” (attendee, speaker or exhibitor staff).")
            % {"role": row["role"]}
        )
    booth = None
    if row["booth"]:
        booth = booths.get(row["booth"].lower())
        if booth is None:
            raise ValueError(_("There is no booth “%(booth)s”.") % {"booth": row["booth"]})
        if role != Invitation.Role.EXHIBITOR_STAFF:
            raise ValueError(_("A booth can only be given for exhibitor staff."))
    return role, booth


def import_registrations(*, event, by, file, dry_run=False):
    """Register the people of a CSV file at ``event``; new people get an invitation mail.

    Columns: email, first_name, last_name, organisation, role (attendee, speaker, exhibitor
    staff), booth (the exhibitor's slug or name). Idempotent by e-mail: a person already
    registered in that role is skipped. Rejected rows are reported with line and reason, the
    others are imported. ``dry_run`` reports what would happen and changes nothing.
    Raises AccessDenied, OnboardingError (the file as a whole is unreadable).
    """
    require(by, "accounts.import_registrations", event)
    booths = {}
    for exhibitor in Exhibitor.objects.filter(event=event).only("id", "slug", "name"):
        booths[exhibitor.name.lower()] = exhibitor
        booths[exhibitor.slug.lower()] = exhibitor
    report = ImportReport(dry_run=dry_run)
    seen = {}
    accepted = []
    for line, row in _read_rows(file):
        try:
            role, booth = _check_row(row, seen=seen, booths=booths)
        except ValueError as reason:
            report.rejected.append({"line": line, "email": row["email"], "reason": str(reason)})
            continue
        seen[row["email"].lower()] = line
        accepted.append((line, row, role, booth))

    language = _event_language(event)
    User = get_user_model()
    with transaction.atomic():
        emails = [row["email"].lower() for _line, row, _role, _booth in accepted]
        users = {
            user.email_lower: user
            for user in User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        registrations = {
            registration.user_id: registration
            for registration in Registration.objects.filter(
                event=event, user__in=list(users.values())
            )
        }
        staff = set(
            ExhibitorStaff.objects.filter(
                exhibitor__event=event, user__in=list(users.values())
            ).values_list("exhibitor_id", "user_id")
        )
        invited = []
        for line, row, role, booth in accepted:
            outcome = _import_row(
                event=event,
                by=by,
                row=row,
                role=role,
                booth=booth,
                user=users.get(row["email"].lower()),
                registrations=registrations,
                staff=staff,
                language=language,
                invited=invited,
            )
            entry = {"line": line, "email": row["email"], "outcome": outcome}
            getattr(report, outcome).append(entry)
        report.invitations = len(invited)
        if dry_run:
            transaction.set_rollback(True)
        else:
            _queue_mails(invited)
    forget_roles(by)
    return report


def queue_import(*, event, by, file):
    """Check the file and queue its import for the worker; returns the ImportJob.

    Raises AccessDenied, OnboardingError (the file as a whole is unreadable).
    """
    require(by, "accounts.import_registrations", event)
    text = read_csv_text(file)
    with transaction.atomic():
        job = ImportJob.objects.create(
            event=event,
            created_by=by,
            filename=getattr(file, "name", "") or "",
            language=translation.get_language() or settings.LANGUAGE_CODE,
            content=text,
        )

        def enqueue():
            from .tasks import run_import

            run_import.enqueue(job.pk)

        transaction.on_commit(enqueue)
    return job


def run_import_job(job):
    """Run a queued import (in the worker): the report is kept on the job; errors mark it failed."""
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, attempts=job.attempts + 1
    )
    job.refresh_from_db()
    try:
        with translation.override(job.language):
            report = import_registrations(
                event=job.event, by=job.created_by, file=io.StringIO(job.content)
            )
    except Exception as error:
        job.state = ImportJob.State.FAILED
        job.error = f"{type(error).__name__}: {getattr(error, 'message', error)}"[:1000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        raise
    job.state = ImportJob.State.DONE
    job.report = report.as_dict()
    job.error = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "report", "error", "finished_at"])
    return job


def _import_row(*, event, by, row, role, booth, user, registrations, staff, language, invited):
    name = " ".join(part for part in (row["first_name"], row["last_name"]) if part)
    registration_role = ROLE_FOR_INVITATION[role]
    if user is None:
        user = _create_person(
            email=row["email"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            organisation=row["organisation"],
            language=language,
        )
        Registration.objects.create(event=event, user=user, role=registration_role)
        invitation = _invite(
            event=event,
            user=user,
            email=row["email"],
            role=role,
            exhibitor_id=booth.pk if booth else None,
            language=language,
            by=by,
        )
        invited.append(invitation.pk)
        if role == Invitation.Role.SPEAKER:
            _claim_speaker(event, user, name)
        if booth is not None:
            ExhibitorStaff.objects.create(exhibitor=booth, user=user)
        return "created"

    changed = False
    registration = registrations.get(user.pk)
    if registration is None:
        registration = Registration.objects.create(event=event, user=user, role=registration_role)
        registrations[user.pk] = registration
        outcome = "created"
    else:
        outcome = "updated"
        keeps_role = registration.role in (Registration.Role.ORGANIZER, registration_role)
        if not keeps_role:
            registration.role = registration_role
            registration.save(update_fields=["role"])
            changed = True
    if role == Invitation.Role.SPEAKER:
        speaker = _claim_speaker(event, user, name)
        changed = changed or (speaker is not None and speaker.user_id == user.pk)
    if booth is not None and (booth.pk, user.pk) not in staff:
        ExhibitorStaff.objects.create(exhibitor=booth, user=user)
        staff.add((booth.pk, user.pk))
        changed = True
    if outcome == "updated" and not changed:
        return "skipped"
    forget_roles(user)
    return outcome


def deliver_invitations(invitation_ids):
    """Send the mails of these queued (or failed, retried) invitations over one connection;
    returns the failed ones.

    Each invitation is claimed right before its mail (``sending``, in one conditional update with
    its new link), so two jobs holding the same invitation send it once, and one a killed worker
    left ``sending`` is never sent again by itself (resume_stalled_invitations makes it
    ``unsure``). Each records its delivery (sent or failed, with the error) and attempt count.
    """
    Delivery = Invitation.Delivery
    waiting = {"accepted_at__isnull": True, "delivery__in": [Delivery.QUEUED, Delivery.FAILED]}
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids, **waiting).select_related(
            "event", "user", "invited_by"
        )
    )
    exhibitor_names = dict(
        Exhibitor.objects.filter(
            pk__in=[
                invitation.exhibitor_id for invitation in invitations if invitation.exhibitor_id
            ]
        ).values_list("pk", "name")
    )
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001  (the server is down: every mail of the batch fails)
        ids = [invitation.pk for invitation in invitations]
        Invitation.objects.filter(pk__in=ids, **waiting).update(
            delivery=Delivery.FAILED,
            attempts=F("attempts") + 1,
            last_error=_error_text(error),
        )
        return list(Invitation.objects.filter(pk__in=ids, delivery=Delivery.FAILED))
    failed = []
    try:
        for invitation in invitations:
            token = secrets.token_urlsafe(32)
            invitation.token_hash = hash_token(token)
            claimed = Invitation.objects.filter(pk=invitation.pk, **waiting).update(
                delivery=Delivery.SENDING,
                token_hash=invitation.token_hash,
                handed_at=timezone.now(),
            )
            if not claimed:
                continue  # another job took it, or it was accepted meanwhile
            message = invitation_mail(
                invitation, token, exhibitor_names.get(invitation.exhibitor_id)
            )
            message.connection = connection
            try:
                message.send()
            except Exception as error:  # noqa: BLE001  (recorded and retried)
                _record_delivery(invitation, error)
                failed.append(invitation)
            else:
                _record_delivery(invitation, None)
    finally:
        connection.close()
    return failed


def _error_text(error):
    return f"{type(error).__name__}: {error}"[:1000]


def _record_delivery(invitation, error):
    """Record the outcome of a mail this job claimed (still ``sending``)."""
    invitation.attempts += 1
    if error is None:
        invitation.delivery = Invitation.Delivery.SENT
        invitation.sent_at = timezone.now()
        invitation.last_error = ""
    else:
        invitation.delivery = Invitation.Delivery.FAILED
        invitation.last_error = _error_text(error)
    Invitation.objects.filter(pk=invitation.pk, delivery=Invitation.Delivery.SENDING).update(
        attempts=F("attempts") + 1,
        delivery=invitation.delivery,
        sent_at=invitation.sent_at,
        last_error=invitation.last_error,
    )


def resume_stalled_invitations(*, now=None):
    """After a killed worker: invitations it left ``sending`` become ``unsure`` (the organizers
    see them and may send them again on purpose), and queued ones no job took on for a while are
    queued again. Returns ``{"unsure": n, "queued": n}``. Run by ``notify_tick``."""
    from .tasks import enqueue_invitations

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=getattr(settings, "NOTIFY_STALL_SECONDS", 120))
    Delivery = Invitation.Delivery
    unsure = Invitation.objects.filter(delivery=Delivery.SENDING, handed_at__lt=cutoff).update(
        delivery=Delivery.UNSURE
    )
    stalled = list(
        Invitation.objects.filter(delivery=Delivery.QUEUED, accepted_at__isnull=True)
        .filter(Q(handed_at__lt=cutoff) | Q(handed_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    if stalled:
        Invitation.objects.filter(pk__in=stalled).update(handed_at=now)
        enqueue_invitations(stalled)
    return {"unsure": unsure, "queued": len(stalled)}


def invitation_url(token):

    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", kwargs={"token": token})


def invitation_mail(invitation, token, booth_name=None):
    language = language_for(invitation.user, invitation.language)
    return build_mail(
        to=invitation.email,
        template="invitation",
        context={
            "invitation": invitation,
            "event": invitation.event,
            "user": invitation.user,
            "inviter": invitation.invited_by,
            "booth_name": booth_name,
            "url": invitation_url(token),
            "expires_at": invitation.expires_at,
        },
        language=language,
    )


def resend_invitation(invitation, *, by):
    """A new link (the old one stops working) and a new mail. Raises AccessDenied, OnboardingError."""
    if invitation.exhibitor_id is None or not _may_invite_to(by, invitation.exhibitor_id):
        require(by, "accounts.manage_invitations", invitation.event)
    if invitation.accepted_at is not None:
        raise OnboardingError(
            _("This invitation has already been accepted."), code="accepted", field="invitation"
        )
    with transaction.atomic():
        invitation.token_hash = unusable_token_hash()
        invitation.expires_at = _expiry()
        invitation.delivery = Invitation.Delivery.QUEUED
        invitation.attempts = 0
        invitation.last_error = ""
        invitation.handed_at = timezone.now()
        invitation.save()
        _queue_mails([invitation.pk])
    return invitation


def _may_invite_to(user, exhibitor_id):
    exhibitor = Exhibitor.objects.filter(pk=exhibitor_id).select_related("event").first()
    return exhibitor is not None and allowed(user, "accounts.invite_staff", exhibitor)


def invite_staff(
    *, exhibitor, by, email, first_name="", last_name="", role=ExhibitorStaff.Role.STAFF
):
    """Invite ``email`` as staff of ``exhibitor``'s booth; returns ``(invitation, created)``.

    A new person gets an account without password and an invitation mail; a known person is made
    staff at once and also mailed. Raises AccessDenied, OnboardingError (bad e-mail, already staff).
    """
    require(by, "accounts.invite_staff", exhibitor)
    try:
        validate_email(email)
    except ValidationError:
        raise OnboardingError(_("Enter a valid e-mail address."), field="email") from None
    event = exhibitor.event
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = _create_person(
                email=email,
                first_name=first_name,
                last_name=last_name,
                organisation=exhibitor.name,
                language=_event_language(event),
            )
        elif ExhibitorStaff.objects.filter(exhibitor=exhibitor, user=user).exists():
            raise OnboardingError(
                _("This person is already staff of the booth."), field="email", code="already_staff"
            )
        ExhibitorStaff.objects.create(exhibitor=exhibitor, user=user, role=role)
        registration, _created = Registration.objects.get_or_create(
            event=event, user=user, defaults={"role": Registration.Role.EXHIBITOR}
        )
        invitation = Invitation.objects.filter(event=event, email__iexact=email).first()
        created = invitation is None
        if created:
            invitation = _invite(
                event=event,
                user=user,
                email=email,
                role=Invitation.Role.EXHIBITOR_STAFF,
                exhibitor_id=exhibitor.pk,
                language=_event_language(event),
                by=by,
            )
        else:
            invitation.exhibitor_id = exhibitor.pk
            invitation.token_hash = unusable_token_hash()
            invitation.expires_at = _expiry()
            invitation.accepted_at = None
            invitation.delivery = Invitation.Delivery.QUEUED
            invitation.attempts = 0
            invitation.invited_by = by
            invitation.handed_at = timezone.now()
            invitation.save()
        _queue_mails([invitation.pk])
    forget_roles(user)
    return invitation, created


def invitation_for_token(token):
    """The invitation of a link, or raise OnboardingError (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("event", "user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise OnboardingError(_("This invitation link is not valid."), code="unknown")
    if invitation.accepted_at is not None:
        raise OnboardingError(_("This invitation link has already been used."), code="used")
    if invitation.expires_at <= timezone.now():
        raise OnboardingError(_("This invitation link has expired."), code="expired")
    return invitation


def accept_invitation(token, *, password=None):
    """Use the link once: set the password (if the account has none), verify the e-mail address.

    Returns the invitation. Raises OnboardingError when the link is unknown, used or expired.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        user = invitation.user
        if password is not None:
            user.set_password(password)
        user.is_active = True
        user.save()
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email__iexact=invitation.email, defaults={"email": invitation.email}
        )
        if not address.verified:
            address.verified = True
            address.primary = (
                not EmailAddress.objects.filter(user=user, primary=True)
                .exclude(pk=address.pk)
                .exists()
                or address.primary
            )
            address.save(update_fields=["verified", "primary"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return invitation
