from treffpunkt.errors import DomainError


class MatchmakingError(DomainError):
    """A matchmaking change was refused (unknown tag, blocking oneself, …)."""
