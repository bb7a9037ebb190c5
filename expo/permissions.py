"""Access rules of the expo, used by REST and realtime alike.

Booth staff edit their own booth, booth admins also manage its staff; organizers edit every booth
and approve. Leads are consented to the exhibitor, so only the booth's own staff read them.
"""

from congress.permissions import is_organizer, is_registered
from conversations.permissions import opening_grant
from treffpunkt.access import rule

from .models import ContactRequest, Exhibitor, ExhibitorStaff


def booth_role(user, exhibitor):
    """The user's staff role at this booth, or None. Cached on the exhibitor for one request."""
    if user is None or not user.is_authenticated:
        return None
    cache = exhibitor.__dict__.setdefault("_booth_roles", {})
    if user.pk not in cache:
        cache[user.pk] = (
            ExhibitorStaff.objects.filter(exhibitor=exhibitor, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[user.pk]


def is_booth_staff(user, exhibitor):
    return booth_role(user, exhibitor) is not None


def is_booth_admin(user, exhibitor):
    return booth_role(user, exhibitor) == ExhibitorStaff.Role.ADMIN


@rule("expo.view_exhibitor")
def can_view_exhibitor(user, exhibitor):
    if exhibitor.status == Exhibitor.Status.PUBLISHED and exhibitor.event.is_published:
        return True
    return is_organizer(user, exhibitor.event) or is_booth_staff(user, exhibitor)


@rule("expo.add_exhibitor")
def can_add_exhibitor(user, event):
    return is_organizer(user, event)


@rule("expo.change_exhibitor")
def can_change_exhibitor(user, exhibitor):
    return is_organizer(user, exhibitor.event) or is_booth_staff(user, exhibitor)


@rule("expo.manage_staff")
def can_manage_staff(user, exhibitor):
    return is_organizer(user, exhibitor.event) or is_booth_admin(user, exhibitor)


@rule("expo.review_exhibitor")
def can_review_exhibitor(user, exhibitor):
    return is_organizer(user, exhibitor.event)


@rule("expo.view_leads")
def can_view_leads(user, exhibitor):
    return is_booth_staff(user, exhibitor)


@rule("expo.view_stats")
def can_view_stats(user, exhibitor):
    return is_organizer(user, exhibitor.event) or is_booth_staff(user, exhibitor)


@rule("expo.leave_lead")
def can_leave_lead(user, exhibitor):
    """Registered visitors of a published booth; the booth's own staff have nothing to consent to."""
    return (
        exhibitor.status == Exhibitor.Status.PUBLISHED
        and is_registered(user, exhibitor.event)
        and not is_booth_staff(user, exhibitor)
    )


@rule("expo.contact_booth")
def can_contact_booth(user, exhibitor):
    """Ask a booth's staff to talk: the same people who may leave a lead."""
    return can_leave_lead(user, exhibitor)


@rule("expo.answer_contact")
def can_answer_contact(user, exhibitor):
    return is_booth_staff(user, exhibitor)


@rule("expo.accept_contact_request")
def can_accept_contact_request(user, request):
    """Answer a contact request: the staff of the booth it was sent to."""
    return is_booth_staff(user, request.exhibitor)


@opening_grant
def answers_contact_request(user, event, other):
    """Booth staff need no registration to talk to an attendee who asked their booth to talk."""
    return ContactRequest.objects.filter(
        exhibitor__event=event, exhibitor__staff__user=user, user=other
    ).exists()
