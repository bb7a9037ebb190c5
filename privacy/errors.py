from treffpunkt.errors import DomainError


class PrivacyError(DomainError):
    """A refused data-protection request (wrong password, expired link)."""
