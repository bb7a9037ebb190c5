"""Access rules of the expo, used by REST and realtime alike."""

from congress.permissions import is_organizer
from treffpunkt.access import rule

from .models import Exhibitor


def is_booth_staff(user, exhibitor):
    if user is None or not user.is_authenticated:
        return False
    return exhibitor.staff.filter(user=user).exists()


@rule("expo.view_exhibitor")
def can_view_exhibitor(user, exhibitor):
    if exhibitor.status == Exhibitor.Status.PUBLISHED and exhibitor.event.is_published:
        return True
    return is_organizer(user, exhibitor.event) or is_booth_staff(user, exhibitor)


@rule("expo.change_exhibitor")
def can_change_exhibitor(user, exhibitor):
    return is_organizer(user, exhibitor.event) or is_booth_staff(user, exhibitor)
