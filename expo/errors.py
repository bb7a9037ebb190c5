from treffpunkt.errors import DomainError


class ExpoError(DomainError):
    """The expo refused a change: a wrong state, a bad upload, a lead without consent."""
