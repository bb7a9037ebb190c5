"""Access rules of onboarding: organizers import and invite; booth admins invite to their booth."""

from congress.permissions import is_organizer
from treffpunkt.access import allowed, rule


@rule("accounts.import_registrations")
def can_import_registrations(user, event):
    return is_organizer(user, event)


@rule("accounts.manage_invitations")
def can_manage_invitations(user, event):
    return is_organizer(user, event)


@rule("accounts.invite_staff")
def can_invite_staff(user, exhibitor):
    """Organizers of the event, and the booth's own admins (the expo's manage-staff rule)."""
    return allowed(user, "expo.manage_staff", exhibitor)
