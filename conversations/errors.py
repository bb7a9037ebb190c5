from treffpunkt.errors import DomainError


class ConversationError(DomainError):
    """A conversation refused a change: a message to oneself, a sender excluded from the event."""
