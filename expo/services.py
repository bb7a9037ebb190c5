"""Every change to the expo happens here: one function per verb, each in one transaction.

Each function checks its access rule (``AccessDenied``) and raises ``ExpoError`` for a refused
change; the REST views only parse, call and render.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress import hooks
from congress.live_services import _check_rate, user_data
from congress.permissions import is_organizer
from conversations.services import open_conversation
from treffpunkt import privacy
from treffpunkt.access import require
from treffpunkt.notify import notify
from treffpunkt.realtime import bus

from .errors import ExpoError
from .models import (
    BoothRevision,
    BoothVisit,
    ContactPerson,
    ContactRequest,
    Download,
    Exhibitor,
    ExhibitorStaff,
    ExpoSettings,
    Lead,
    Product,
)
from .selectors import contact_request_data
from .uploads import check_logo, check_pdf, stored_name

Status = Exhibitor.Status

BOOTH_FIELDS = {
    "name", "tagline", "description", "tier", "website", "social_links", "video_url",
}  # fmt: skip
ORGANIZER_ONLY_FIELDS = {"tier"}


def expo_settings_for(event):
    """The event's expo settings; unsaved defaults when the event has no row."""
    try:
        return event.expo_settings
    except ExpoSettings.DoesNotExist:
        return ExpoSettings(event=event)


def _needs_review(exhibitor, user):
    """Whether ``user``'s change of ``exhibitor`` waits as its pending revision: a staff change
    of a published booth while the event's expo settings say edits need review."""
    return (
        exhibitor.status == Status.PUBLISHED
        and not is_organizer(user, exhibitor.event)
        and expo_settings_for(exhibitor.event).edits_need_review
    )


def _delete_file_on_commit(storage, name):
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def update_booth(exhibitor, *, user, categories=None, **fields):
    """Change the booth's content.

    A staff edit of a published booth is kept as its pending :class:`BoothRevision` when the
    event's expo settings say edits need review: visitors keep seeing the published content until
    an organizer approves it (``approve_booth``). Organizers' edits never wait. Only organizers
    change the tier. The logo follows the same rule (``set_logo``). Raises AccessDenied,
    ExpoError.
    """
    require(user, "expo.change_exhibitor", exhibitor)
    unknown = set(fields) - BOOTH_FIELDS
    if unknown:
        raise ExpoError(_("Unknown field."), field=sorted(unknown)[0])
    organizer = is_organizer(user, exhibitor.event)
    if not organizer and ORGANIZER_ONLY_FIELDS & set(fields):
        changed = {
            f for f in ORGANIZER_ONLY_FIELDS & set(fields) if fields[f] != getattr(exhibitor, f)
        }
        if changed:
            raise ExpoError(_("Only organizers change this."), field=sorted(changed)[0])
    if categories is not None and any(
        category.event_id != exhibitor.event_id for category in categories
    ):
        raise ExpoError(_("The category belongs to another event."), field="categories")
    if _needs_review(exhibitor, user):
        _store_revision(exhibitor, user=user, categories=categories, fields=fields)
        return exhibitor
    for name, value in fields.items():
        setattr(exhibitor, name, value)
    exhibitor.full_clean(exclude=["logo", "categories"])
    exhibitor.save()
    if categories is not None:
        exhibitor.categories.set(categories)
    return exhibitor


def _pending_revision(exhibitor):
    """The booth's pending revision, locked; a new unsaved one when there is none."""
    revision = BoothRevision.objects.select_for_update().filter(exhibitor=exhibitor).first()
    return revision if revision is not None else BoothRevision(exhibitor=exhibitor)


def _store_revision(exhibitor, *, user, categories, fields):
    """Merge ``fields`` into the booth's pending revision, validated as the booth would be.

    The revision keeps only what differs from the published booth (the web editor sends every
    field); a revision left with no change is dropped.
    """
    revision = _pending_revision(exhibitor)
    merged = {**revision.fields, **fields}
    published = _content_of(exhibitor)
    candidate = Exhibitor(**{**published, **merged}, event=exhibitor.event)
    candidate.full_clean(exclude=["logo", "categories", "slug", "event"], validate_unique=False)
    revision.fields = {
        name: value
        for name, value in merged.items()
        if name in BOOTH_FIELDS and value != published[name]
    }
    if categories is not None:
        category_ids = sorted(category.pk for category in categories)
        published_ids = sorted(exhibitor.categories.values_list("pk", flat=True))
        revision.category_ids = category_ids if category_ids != published_ids else None
    if not revision.changed:
        if revision.pk is not None:
            revision.delete()
        return
    revision.created_by = user
    revision.save()


def _content_of(exhibitor):
    return {name: getattr(exhibitor, name) for name in BOOTH_FIELDS} | {"slug": exhibitor.slug}


def booth_with_revision(exhibitor):
    """An unsaved copy of the booth showing its pending revision (the editor's view), or the booth."""
    revision = BoothRevision.objects.filter(exhibitor=exhibitor).first()
    if revision is None:
        return exhibitor
    return Exhibitor(
        **{**_content_of(exhibitor), **revision.fields},
        pk=exhibitor.pk,
        event=exhibitor.event,
        status=exhibitor.status,
    )


@transaction.atomic
def set_logo(exhibitor, *, user, upload):
    """Replace the booth's logo after checking the upload's content.

    Under the review rule of :func:`update_booth` (a staff upload to a published booth) the new
    logo waits in the booth's pending revision, replacing a logo that waited there before, and
    the published logo stays until an organizer approves. Raises AccessDenied, ExpoError.
    """
    require(user, "expo.change_exhibitor", exhibitor)
    detected = check_logo(upload)
    if _needs_review(exhibitor, user):
        revision = _pending_revision(exhibitor)
        waiting = revision.logo.name or None
        revision.logo.save(stored_name(detected), upload, save=False)
        revision.created_by = user
        revision.save()
        _delete_file_on_commit(revision.logo.storage, waiting)
        return exhibitor
    old = exhibitor.logo.name or None
    exhibitor.logo.save(stored_name(detected), upload, save=True)
    _delete_file_on_commit(exhibitor.logo.storage, old)
    return exhibitor


def _change_status(exhibitor, *, expected, new, **extra):
    locked = Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
    if locked.status not in expected:
        raise ExpoError(
            _("The booth is %(status)s.") % {"status": locked.get_status_display()},
            field="status",
            code="state",
        )
    exhibitor.status = new
    for name, value in extra.items():
        setattr(exhibitor, name, value)
    exhibitor.save(update_fields=["status", *extra])
    return exhibitor


@transaction.atomic
def submit_booth(exhibitor, *, user):
    """Draft → submitted for review. Raises AccessDenied, ExpoError."""
    require(user, "expo.change_exhibitor", exhibitor)
    return _change_status(exhibitor, expected={Status.DRAFT}, new=Status.SUBMITTED)


@transaction.atomic
def approve_booth(exhibitor, *, user):
    """Submitted → published, or a published booth's pending revision applied; clears the review
    note. Raises AccessDenied, ExpoError (nothing to approve)."""
    require(user, "expo.review_exhibitor", exhibitor)
    revision = BoothRevision.objects.select_for_update().filter(exhibitor=exhibitor).first()
    if revision is not None and exhibitor.status == Status.PUBLISHED:
        for name, value in revision.fields.items():
            setattr(exhibitor, name, value)
        if revision.logo:
            # The waiting file becomes the booth's; the replaced one goes after the commit.
            _delete_file_on_commit(exhibitor.logo.storage, exhibitor.logo.name or None)
            exhibitor.logo.name = revision.logo.name
        exhibitor.review_note = ""
        exhibitor.full_clean(exclude=["logo", "categories"])
        exhibitor.save()
        if revision.category_ids is not None:
            exhibitor.categories.set(
                exhibitor.event.exhibitor_categories.filter(pk__in=revision.category_ids)
            )
        revision.delete()
        return exhibitor
    return _change_status(
        exhibitor, expected={Status.SUBMITTED}, new=Status.PUBLISHED, review_note=""
    )


@transaction.atomic
def reject_booth(exhibitor, *, user, note=""):
    """Submitted → draft, or a published booth's pending revision dropped; with the organizer's
    note. Raises AccessDenied, ExpoError (nothing to reject)."""
    require(user, "expo.review_exhibitor", exhibitor)
    if exhibitor.status == Status.PUBLISHED:
        revision = BoothRevision.objects.select_for_update().filter(exhibitor=exhibitor).first()
        if revision is not None:
            _delete_file_on_commit(revision.logo.storage, revision.logo.name or None)
            revision.delete()
            exhibitor.review_note = note
            exhibitor.save(update_fields=["review_note"])
            return exhibitor
    return _change_status(
        exhibitor, expected={Status.SUBMITTED}, new=Status.DRAFT, review_note=note
    )


@transaction.atomic
def add_staff(exhibitor, *, user, member, role=ExhibitorStaff.Role.STAFF):
    """Make ``member`` staff of the booth. Raises AccessDenied, ExpoError (already staff)."""
    require(user, "expo.manage_staff", exhibitor)
    if ExhibitorStaff.objects.filter(exhibitor=exhibitor, user=member).exists():
        raise ExpoError(_("This user is already staff of the booth."), field="user")
    return ExhibitorStaff.objects.create(exhibitor=exhibitor, user=member, role=role)


@transaction.atomic
def remove_staff(membership, *, user):
    """Remove a staff member; the last booth admin stays. Raises AccessDenied, ExpoError."""
    exhibitor = membership.exhibitor
    require(user, "expo.manage_staff", exhibitor)
    admins = ExhibitorStaff.objects.select_for_update().filter(
        exhibitor=exhibitor, role=ExhibitorStaff.Role.ADMIN
    )
    if membership.role == ExhibitorStaff.Role.ADMIN and admins.count() == 1:
        raise ExpoError(_("A booth keeps at least one admin."), field="user", code="last_admin")
    membership.delete()


CHILD_MODELS = {"product": Product, "download": Download, "contact": ContactPerson}


@transaction.atomic
def save_booth_item(exhibitor, item=None, *, user, kind, **fields):
    """Create or change a product, download or contact person of the booth.

    A download needs either a PDF file (checked by content) or a link.
    Raises AccessDenied, ExpoError.
    """
    require(user, "expo.change_exhibitor", exhibitor)
    model = CHILD_MODELS[kind]
    if item is None:
        item = model(exhibitor=exhibitor)
    upload = fields.pop("file", None) if kind == "download" else None
    for name, value in fields.items():
        setattr(item, name, value)
    if upload is not None:
        item.file.save(stored_name(check_pdf(upload)), upload, save=False)
    if kind == "download" and not item.file and not item.link:
        raise ExpoError(_("A download needs a PDF file or a link."), field="file")
    item.save()
    return item


@transaction.atomic
def delete_booth_item(item, *, user):
    """Delete a product, download or contact person. Raises AccessDenied."""
    require(user, "expo.change_exhibitor", item.exhibitor)
    item.delete()


LEAD_CONSENT = "lead_sharing"

privacy.consent_default(
    LEAD_CONSENT,
    gettext_noop(
        "Only the staff of this booth receive your name, your email address and your message — "
        "not the organizers, not other exhibitors — to contact you about their offer. You can "
        "withdraw your consent here or under “My data” at any time; withdrawing deletes your "
        "name, email address and message at this booth."
    ),
)


def lead_consent_text(event, language=None):
    """``{"version", "text"}`` of the consent to pass one's contact on to a booth at ``event``:
    the organizers' text, else the platform's own (version ``default``)."""
    return privacy.current_consent_text(event=event, document=LEAD_CONSENT, language=language)


@transaction.atomic
def leave_lead(exhibitor, *, user, consent, message=""):
    """Record the attendee's consented request to be contacted by the exhibitor.

    Raises AccessDenied, ExpoError (no consent), ConflictError-free: a second lead replaces the
    message of the first and renews the consent time.
    """
    require(user, "expo.leave_lead", exhibitor)
    if consent is not True:
        raise ExpoError(
            _("A lead is only passed on with your consent."), field="consent", code="consent"
        )
    lead, created = Lead.objects.update_or_create(
        exhibitor=exhibitor,
        user=user,
        defaults={"consent": True, "consented_at": timezone.now(), "message": message},
    )
    if created:
        from .backoffice import lead_announcement

        hooks.announce(
            exhibitor.event, "lead.created", lead_announcement(lead), scope=f"booth:{exhibitor.pk}"
        )
    privacy.record_consent(
        user=user,
        event=exhibitor.event,
        document=LEAD_CONSENT,
        scope=f"booth:{exhibitor.pk}",
        given=True,
        method="booth lead form",
        version=lead_consent_text(exhibitor.event)["version"],
    )
    return lead


@transaction.atomic
def withdraw_lead(exhibitor, *, user):
    """Delete the user's lead at this booth, if any. Returns whether one existed."""
    deleted, _details = Lead.objects.filter(exhibitor=exhibitor, user=user).delete()
    privacy.record_consent(
        user=user,
        event=exhibitor.event,
        document=LEAD_CONSENT,
        scope=f"booth:{exhibitor.pk}",
        given=False,
        method="booth lead form",
    )
    return bool(deleted)


def record_visit(exhibitor, *, user, day=None):
    """Count a signed-in visitor of a published booth once per day; staff and organizers do not count."""
    if user is None or not user.is_authenticated or exhibitor.status != Status.PUBLISHED:
        return
    from .permissions import is_booth_staff

    # Organizers checking booths and staff opening their own would inflate the exhibitor's numbers.
    if is_organizer(user, exhibitor.event) or is_booth_staff(user, exhibitor):
        return
    day = day or timezone.localdate(timezone=exhibitor.event.tz)
    try:
        with transaction.atomic():
            BoothVisit.objects.get_or_create(exhibitor=exhibitor, user=user, day=day)
    except IntegrityError:
        pass  # a concurrent read by the same visitor counted the visit already


def request_contact(*, user, exhibitor, message=""):
    """An attendee asks the booth's staff to talk; returns the stored ``ContactRequest``.

    After commit each staff member's ``user:<id>`` gets ``booth.contact``; a request made while
    nobody is online waits in the staff's booth snapshot. Raises AccessDenied, LiveError
    (``rate_limited``).
    """
    require(user, "expo.contact_booth", exhibitor)
    _check_rate(user, "contact")
    with transaction.atomic():
        request = ContactRequest.objects.create(
            exhibitor=exhibitor, user=user, message=message.strip()
        )
        payload = contact_request_data(request)
        staff_ids = list(exhibitor.staff.values_list("user_id", flat=True))

        def push():
            for staff_id in staff_ids:
                bus.publish(f"user:{staff_id}", "booth.contact", payload)

        transaction.on_commit(push)
        for staff_id in staff_ids:
            notify(
                staff_id,
                "booth.contact",
                event=exhibitor.event,
                data={**payload, "url": f"/events/{exhibitor.event.slug}/expo/{exhibitor.pk}/"},
            )
    return request


def accept_contact_request(*, user, request):
    """Booth staff accept: opens (or reuses) the 1:1 conversation with the attendee.

    Marks the request accepted by ``user`` and, after commit, pushes ``conversation.opened`` to the
    attendee's ``user:<id>``. Returns the conversation. Raises AccessDenied (not the booth's staff,
    or refused by ``conversations.open_conversation``), NotFound (the attendee left the event).
    """
    require(user, "expo.accept_contact_request", request)
    exhibitor = request.exhibitor
    with transaction.atomic():
        conversation, _created = open_conversation(
            user=user, other=request.user, event=exhibitor.event, origin=f"booth:{exhibitor.pk}"
        )
        request.status = ContactRequest.Status.ACCEPTED
        request.accepted_by = user
        request.conversation = conversation
        request.save(update_fields=["status", "accepted_by", "conversation"])
        payload = {
            "conversation": conversation.pk,
            "topic": conversation.topic,
            "request": request.pk,
            "booth": {"id": exhibitor.pk, "name": exhibitor.name},
            "with": user_data(user),
        }
        transaction.on_commit(
            lambda: bus.publish(f"user:{request.user_id}", "conversation.opened", payload)
        )
    return conversation
