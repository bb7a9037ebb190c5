"""The one error type that services raise for a refused change.

REST maps it to ``400 {field: [message]}`` (``treffpunkt.api.exception_handler``) and the realtime
gateway to an error reply ``{"code", "message"}``. Each app subclasses it once.
"""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused a change. ``field`` names the input at fault, if one is."""

    status = 400

    def __init__(self, message, *, code="invalid", field=None):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.field = field

    def as_detail(self):
        return {self.field or "non_field_errors": [self.message]}


class ConflictError(DomainError):
    """The change collides with existing state (HTTP 409)."""

    status = 409


class AccessDenied(Exception):
    """The user may not do this (HTTP 403, realtime ``forbidden``)."""

    def __init__(self, message=None, *, code="forbidden"):
        message = message or _("You do not have permission to do this.")
        super().__init__(message)
        self.message = str(message)
        self.code = code


class NotFound(Exception):
    """The object does not exist or is hidden from this user (HTTP 404, realtime ``not_found``)."""

    def __init__(self, message=None, *, code="not_found"):
        message = message or _("Not found.")
        super().__init__(message)
        self.message = str(message)
        self.code = code
