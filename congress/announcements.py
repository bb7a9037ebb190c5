"""Announcements: organizers tell the people of an event something, live as a banner and by mail.

Services change, selectors read, one rule says who may announce. Every change is stored in the
``event:<slug>`` log and pushed after commit (``announcement.created`` / ``updated`` /
``deleted``); the topic snapshot carries the announcements the subscriber may see
(:func:`announcements_for`). Mail is not sent here: with ``send_mail`` on, the mailers registered
in :mod:`congress.hooks` (``announcement_mailer``) are called after commit; notifications/ sends
in batches and reports progress back through :func:`record_announcement_mail`.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from treffpunkt.access import require, rule
from treffpunkt.realtime import events

from . import hooks
from .models import Announcement, AnnouncementDismissal, Registration
from .permissions import is_organizer, role_for

AUDIENCE_ROLES = {
    Announcement.Audience.EVERYONE: None,
    Announcement.Audience.ATTENDEES: [Registration.Role.ATTENDEE],
    Announcement.Audience.SPEAKERS: [Registration.Role.SPEAKER],
    Announcement.Audience.EXHIBITORS: [Registration.Role.EXHIBITOR],
}


@rule("congress.announce")
def can_announce(user, event):
    return is_organizer(user, event)


def announcement_data(announcement):
    """The announcement as pushes, snapshots and REST show it (the same for every recipient)."""
    return {
        "id": announcement.pk,
        "event": announcement.event.slug,
        "text": {"de": announcement.text_de, "en": announcement.text_en or announcement.text_de},
        "level": announcement.level,
        "link": announcement.link,
        "audience": announcement.audience,
        "show_from": announcement.show_from.isoformat() if announcement.show_from else None,
        "show_until": announcement.show_until.isoformat() if announcement.show_until else None,
        "updated_at": announcement.updated_at.isoformat(),
    }


# --- selectors ----------------------------------------------------------------------------------


def audience_user_ids(announcement):
    """The ids of the people an announcement is for (organizers always see it, never mailed)."""
    roles = AUDIENCE_ROLES[announcement.audience]
    registrations = Registration.objects.filter(event_id=announcement.event_id)
    if roles is not None:
        registrations = registrations.filter(role__in=roles)
    return registrations.order_by("user_id").values_list("user_id", flat=True)


def is_for(announcement, role):
    """Whether a person of ``role`` (None: not registered) is in the announcement's audience."""
    roles = AUDIENCE_ROLES[announcement.audience]
    if role == Registration.Role.ORGANIZER:
        return True
    if role is None:
        return False
    return roles is None or role in roles


def audiences_for(user, event):
    """The audiences ``user`` belongs to at ``event`` (the web client filters live pushes by it)."""
    if is_organizer(user, event):
        return list(Announcement.Audience.values)
    role = role_for(user, event)
    if role is None:
        return []
    return [
        audience for audience in Announcement.Audience.values if is_for_audience(audience, role)
    ]


def is_for_audience(audience, role):
    roles = AUDIENCE_ROLES[audience]
    return roles is None or role in roles


def announcements_for(user, event, *, now=None):
    """Announcements shown to ``user`` now, newest first, each with ``dismissed``."""
    now = now or timezone.now()
    role = role_for(user, event)
    if role is None and not is_organizer(user, event):
        return []
    current = (
        Announcement.objects.filter(event=event)
        .filter(Q(show_from__isnull=True) | Q(show_from__lte=now))
        .filter(Q(show_until__isnull=True) | Q(show_until__gt=now))
        .select_related("event")
    )
    dismissed = set(
        AnnouncementDismissal.objects.filter(user=user, announcement__event=event).values_list(
            "announcement_id", flat=True
        )
    )
    organizer = is_organizer(user, event)
    return [
        {**announcement_data(item), "dismissed": item.pk in dismissed}
        for item in current
        if organizer or is_for(item, role)
    ]


def announcements_of(event):
    """Every announcement of the event, for its organizers (with mail progress)."""
    return Announcement.objects.filter(event=event).select_related("event")


# --- services -----------------------------------------------------------------------------------


def _after_commit(announcement, action):
    data = announcement_data(announcement)
    events.emit(f"event:{announcement.event.slug}", f"announcement.{action}", data)


def create_announcement(event, *, user, **fields):
    """Store and push an announcement; with ``send_mail`` the registered mailers run after commit.

    Raises AccessDenied (not an organizer).
    """
    require(user, "congress.announce", event)
    with transaction.atomic():
        announcement = Announcement.objects.create(event=event, created_by=user, **fields)
        _after_commit(announcement, "created")
        if announcement.send_mail:
            announcement_id = announcement.pk
            transaction.on_commit(lambda: hooks.announcement_mail(announcement_id))
    return announcement


def update_announcement(announcement, *, user, **fields):
    """Change and push an announcement. Turning ``send_mail`` on later mails it then; mail that
    was sent is not sent again (the mailer keeps who got it). Raises AccessDenied."""
    require(user, "congress.announce", announcement.event)
    with transaction.atomic():
        mail_before = announcement.send_mail
        for name, value in fields.items():
            setattr(announcement, name, value)
        announcement.save()
        _after_commit(announcement, "updated")
        if announcement.send_mail and not mail_before:
            announcement_id = announcement.pk
            transaction.on_commit(lambda: hooks.announcement_mail(announcement_id))
    return announcement


def delete_announcement(announcement, *, user):
    """Delete an announcement and push ``announcement.deleted``. Raises AccessDenied."""
    require(user, "congress.announce", announcement.event)
    with transaction.atomic():
        slug, pk = announcement.event.slug, announcement.pk
        announcement.delete()
        events.emit(f"event:{slug}", "announcement.deleted", {"id": pk, "event": slug})


def dismiss_announcement(announcement, *, user):
    """Remember that ``user`` closed the banner (idempotent)."""
    AnnouncementDismissal.objects.get_or_create(announcement=announcement, user=user)


RESENDABLE = ("failed", "unsure")


def resend_announcement_mail(announcement, *, user, which):
    """Mail again the people whose mail ``failed`` or is ``unsure`` (``which``: a subset of
    RESENDABLE), on an organizer's deliberate request: an unsure mail may have arrived already.

    Raises AccessDenied. The mailers reset those people's rows and queue them after commit;
    the announcement's counts are read again before returning.
    """
    require(user, "congress.announce", announcement.event)
    states = tuple(state for state in RESENDABLE if state in which)
    if not states or not announcement.send_mail:
        return announcement
    announcement_id = announcement.pk
    with transaction.atomic():
        transaction.on_commit(lambda: hooks.announcement_mail(announcement_id, resend=states))
    announcement.refresh_from_db()
    return announcement


def record_announcement_mail(announcement_id, *, total, sent, failed, unsure=0):
    """Record mail progress as the mailer counted it (called by notifications/)."""
    Announcement.objects.filter(pk=announcement_id).update(
        mail_total=total, mail_sent=sent, mail_failed=failed, mail_unsure=unsure
    )
