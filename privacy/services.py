"""Data protection in operation: export, erasure, retention, access records, legal texts.

Every change to a person's data for these purposes happens here; the apps' parts are the
exporters, shredders and retention erasers they register in ``treffpunkt.privacy``.
"""

import datetime
import io
import json
import logging
import uuid
import zipfile
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.mail import language_for, send_mail
from accounts.models import Consent, RegistrationPolicy
from congress.live_services import display_name
from congress.models import Registration
from treffpunkt import privacy as registry
from treffpunkt.privacy import (
    ERASED_NAME,
    access_recorder,
    consent_text_source,
    exporter,
    record_consent,
    shredder,
    withdraw_effect,
)
from treffpunkt.realtime import bus

from .errors import PrivacyError
from .middleware import renew_notice_stamp
from .models import AccessRecord, DataExport, Erasure, EventText, RetentionPolicy, RetentionRun

logger = logging.getLogger(__name__)

EXPORT_FORMAT = 1


def export_days():
    return getattr(settings, "PRIVACY_EXPORT_DAYS", 7)


# --- export --------------------------------------------------------------------------------------


def request_export(*, user):
    """Start building ``user``'s archive in the background; returns the DataExport.

    A request while one is being prepared returns that one instead of starting a second.
    """
    from .tasks import build_export_task

    pending = DataExport.objects.filter(user=user, state=DataExport.State.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: build_export_task.enqueue(export.pk))
    return export


def collect(user):
    """Every registered section of ``user``'s data, in the order the apps registered."""
    return {name: function(user) for name, function in sorted(registry.exporters().items())}


def _jsonable(value, files, prefix):
    if isinstance(value, dict):
        return {str(key): _jsonable(item, files, f"{prefix}/{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item, files, prefix) for item in value]
    if isinstance(value, FieldFile):
        if not value:
            return None
        name = f"files/{len(files) + 1}-{value.name.rsplit('/', 1)[-1]}"
        files.append((name, value))
        return name
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def build_archive(user):
    """The zip archive's bytes: ``data.json`` (every section) and ``files/`` (uploaded files)."""
    files = []
    data = {
        "format": EXPORT_FORMAT,
        "created_at": timezone.now().isoformat(),
        "sections": _jsonable(collect(user), files, ""),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, field_file in files:
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                logger.warning("export of user %s: file %s is missing", user.pk, field_file.name)
    return buffer.getvalue()


def build_export(export):
    """Build the archive of ``export``, mark it ready for PRIVACY_EXPORT_DAYS and tell its owner.

    Side effects: a mail with the download link, a ``privacy.export_ready`` push to the owner.
    """
    user = export.user
    content = build_archive(user)
    export.archive.save(f"{uuid.uuid4().hex}.zip", ContentFile(content), save=False)
    export.state = DataExport.State.READY
    export.finished_at = timezone.now()
    export.expires_at = export.finished_at + timedelta(days=export_days())
    export.save()
    url = settings.SITE_URL.rstrip("/") + reverse("privacy:download", args=[export.token])
    if user.email:
        send_mail(
            to=user.email,
            template="export_ready",
            context={"user": user, "url": url, "expires_at": export.expires_at},
            language=language_for(user),
        )
    bus.publish(f"user:{user.pk}", "privacy.export_ready", {"id": export.pk, "url": url})
    return export


def export_for_download(*, user, token):
    """The ready, unexpired export behind ``token``, if ``user`` owns it; else PrivacyError."""
    export = DataExport.objects.filter(token=token, user=user).first()
    if export is None or not export.is_downloadable:
        raise PrivacyError(_("This download link is not valid (any more)."), code="expired")
    return export


def delete_expired_exports(now=None):
    now = now or timezone.now()
    expired = DataExport.objects.filter(expires_at__lt=now)
    for export in expired:
        if export.archive:
            export.archive.delete(save=False)
    return expired.delete()[0]


# --- erasure -------------------------------------------------------------------------------------


def identity_strings(user):
    """What identifies ``user`` in copies (stored mail, pushes): e-mail first, then the username
    and full name. First or last names alone are left out: they would scrub others' texts."""
    addresses = [
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    ]
    strings = [*addresses, user.username, user.get_full_name()]
    return [s for s in dict.fromkeys(strings) if s and len(s) >= 3]


def erase_account(*, user, password=None, reauthenticated=False):
    """Erase ``user``'s personal data in every app; the account is left as a locked placeholder.

    Needs the account's password, or ``reauthenticated`` (a fresh log-in, for single sign-on
    accounts without a password). Every registered shredder runs in one transaction; contributions
    that others' histories need (chat, questions, conversations) stay as ERASED_NAME without text.
    Side effects: the other side of a pending meeting is told it was cancelled, the person's
    sockets are closed, an Erasure record keeps the counts. Raises PrivacyError.
    """
    if not reauthenticated and not (password and user.check_password(password)):
        raise PrivacyError(_("The password is not correct."), field="password", code="password")
    strings = identity_strings(user)
    user_id = user.pk
    counts = {}
    with transaction.atomic():
        for item in registry.shredders():
            counts[item.name] = item.function(user, strings=strings)
        Erasure.objects.create(account_id=user_id, counts=counts)
        transaction.on_commit(lambda: bus.close_user_sockets(user_id, reason="erased"))
    return counts


@shredder(
    "identity",
    "Replaces the account's name with the erased placeholder, deletes its e-mail, username, "
    "password, e-mail addresses, single sign-on links, two-factor devices, API token and log-in "
    "sessions, and locks it, so it can never log in again.",
    order=10,
)
def shred_identity(user, *, strings):
    counts = {
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "social_accounts": SocialAccount.objects.filter(user=user).delete()[0],
        "authenticators": Authenticator.objects.filter(user=user).delete()[0],
        "tokens": Token.objects.filter(user=user).delete()[0],
        "sessions": _delete_sessions(user),
    }
    user.username = f"erased-{uuid.uuid4().hex[:16]}"
    user.first_name = ERASED_NAME
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    content_type = ContentType.objects.get_for_model(get_user_model())
    counts["admin_log"] = LogEntry.objects.filter(
        content_type=content_type, object_id=str(user.pk)
    ).update(object_repr=ERASED_NAME, change_message="")
    return counts


def _delete_sessions(user):
    keys = [
        session.session_key
        for session in Session.objects.all().iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    return Session.objects.filter(session_key__in=keys).delete()[0]


@shredder("privacy", "Deletes the person's export archives and the record of reads of their data.")
def shred_privacy(user, *, strings):
    exports = DataExport.objects.filter(user=user)
    for export in exports:
        if export.archive:
            export.archive.delete(save=False)
    return {
        "exports": exports.delete()[0],
        "access_records": AccessRecord.objects.filter(subject=user).delete()[0],
    }


@exporter("privacy")
def export_privacy(user):
    """Who read the person's data (organizers, booth staff), and their archive requests."""
    records = AccessRecord.objects.filter(subject=user).select_related("actor", "event")
    return {
        "reads_of_my_data": [
            {
                "by": display_name(record.actor) if record.actor else None,
                "what": record.what,
                "event": record.event.slug if record.event else None,
                "at": record.created_at,
            }
            for record in records
        ],
        "exports": [
            {"created_at": export.created_at, "state": export.state}
            for export in DataExport.objects.filter(user=user)
        ],
    }


# --- access log ----------------------------------------------------------------------------------


@access_recorder
def record_access(*, actor, what, subject_ids, event=None):
    """One AccessRecord per person whose data ``actor`` read (their own reads are not recorded)."""
    AccessRecord.objects.bulk_create(
        AccessRecord(actor=actor, subject_id=subject_id, event=event, what=what)
        for subject_id in dict.fromkeys(subject_ids)
        if subject_id != actor.pk
    )


# --- retention -----------------------------------------------------------------------------------


def run_retention(*, today=None):
    """Erase what each due event's retention policy names; returns the RetentionRuns.

    Kinds no app registered an eraser for are recorded as skipped (-1) rather than dropped.
    """
    today = today or timezone.localdate()
    runs = []
    due = RetentionPolicy.objects.filter(erase_after__lt=today, done_at=None).select_related(
        "event"
    )
    erasers = registry.retention_erasers()
    for policy in due:
        with transaction.atomic():
            counts = {}
            for kind in policy.kinds:
                functions = erasers.get(kind)
                counts[kind] = (
                    sum(function(policy.event) for function in functions) if functions else -1
                )
            runs.append(RetentionRun.objects.create(event=policy.event, counts=counts))
            policy.done_at = timezone.now()
            policy.save(update_fields=["done_at"])
    return runs


def warn_retention(*, today=None):
    """Mail each event's organizers a week before its personal data is erased (once)."""
    today = today or timezone.localdate()
    due = RetentionPolicy.objects.filter(
        erase_after__lte=today + timedelta(days=7), warned_at=None, done_at=None
    ).select_related("event")
    warned = 0
    for policy in due:
        organizers = Registration.objects.filter(
            event=policy.event, role=Registration.Role.ORGANIZER
        ).select_related("user")
        for registration in organizers:
            if registration.user.email:
                send_mail(
                    to=registration.user.email,
                    template="retention_warning",
                    context={"event": policy.event, "policy": policy},
                    language=language_for(registration.user),
                )
        policy.warned_at = timezone.now()
        policy.save(update_fields=["warned_at"])
        warned += 1
    return warned


# --- legal texts ---------------------------------------------------------------------------------


def save_event_text(*, event, kind, language, body):
    """Store an event's privacy notice or Impressum in ``language``; a changed text is a new version.

    A new privacy notice version becomes the one registration asks for, so registered people are
    asked again at their next visit (privacy.middleware); so does a new version of a consent to
    ongoing processing (``EventText.ASKED_AGAIN``) for the people who gave one.
    Raises PrivacyError for an unknown kind or language, or an empty text.
    """
    if kind not in EventText.Kind.values:
        raise PrivacyError(_("Unknown kind of text."), field="kind")
    if language not in dict(settings.LANGUAGES):
        raise PrivacyError(_("Unknown language."), field="language")
    if not body or not body.strip():
        raise PrivacyError(_("The text must not be empty."), field="body")
    with transaction.atomic():
        text = (
            EventText.objects.select_for_update()
            .filter(event=event, kind=kind, language=language)
            .first()
        )
        if text is None:
            text = EventText.objects.create(event=event, kind=kind, language=language, body=body)
            changed = True
        elif text.body != body:
            text.body = body
            text.version += 1
            text.save()
            changed = True
        else:
            changed = False
        if changed and kind in EventText.ASKED_AGAIN:
            transaction.on_commit(renew_notice_stamp)
        if kind == EventText.Kind.PRIVACY_NOTICE:
            version = text_version(event, kind)
            policy, _created = RegistrationPolicy.objects.get_or_create(event=event)
            if policy.privacy_notice_version != version:
                policy.privacy_notice = body
                policy.privacy_notice_version = version
                policy.save(update_fields=["privacy_notice", "privacy_notice_version"])
                transaction.on_commit(renew_notice_stamp)
    return text


def text_version(event, kind):
    """The version of an event's text across its languages: it grows with every change in any
    language, so a consent records which texts the person could read."""
    return str(sum(t.version for t in EventText.objects.filter(event=event, kind=kind)))


def text_for(event, kind, language):
    return _in_language(
        {t.language: t for t in EventText.objects.filter(event=event, kind=kind)}, language
    )


def _in_language(texts, language):
    """Of ``{language: text}``, the one in ``language``, else the default language's, else any."""
    return (
        texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), None)
    )


@consent_text_source
def organizers_consent_text(event, document, language):
    """The text organizers wrote for an optional consent at ``event`` (the privacy notice is
    asked through the registration policy)."""
    if event is None or document not in EventText.CONSENTS:
        return None
    texts = {t.language: t for t in EventText.objects.filter(event=event, kind=document)}
    if not texts:
        return None
    # As text_version, from the same rows: one query.
    version = str(sum(t.version for t in texts.values()))
    return {"version": version, "text": _in_language(texts, language).body}


def answer_changed_consent(*, user, event, document, accept, method):
    """The person's answer, asked again, to a consent to ongoing processing whose text changed
    (``EventText.ASKED_AGAIN``): accepting records the current version for each scope they gave
    it for; declining withdraws each, recorded first, and ends the processing at once (the
    profile is hidden, the mail turned off). Raises PrivacyError for another kind of document."""
    if document not in EventText.ASKED_AGAIN:
        raise PrivacyError(_("This consent is not asked again."), field="document")
    with transaction.atomic():
        scopes = sorted(
            set(
                Consent.objects.filter(
                    user=user, event=event, document=document, withdrawn_at=None
                ).values_list("scope", flat=True)
            )
        )
        version = registry.current_consent_text(event=event, document=document)["version"]
        for scope in scopes:
            record_consent(
                user=user,
                event=event,
                document=document,
                scope=scope,
                given=accept,
                method=method,
                version=version,
            )
            if not accept:
                withdraw_effect(user=user, event=event, document=document, scope=scope)
    return scopes


def recently_reauthenticated(request):
    """Whether the request's browser session logged in (or re-authenticated) within allauth's
    reauthentication timeout: accounts from single sign-on have no password to confirm with."""
    from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate

    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "session") or not getattr(request, "user", None):
        return False
    if request.user.has_usable_password():
        return False
    try:
        return did_recently_reauthenticate(django_request)
    except Exception:  # noqa: BLE001  (no allauth authentication record in this session)
        return False
