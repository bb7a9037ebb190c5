"""1:1 conversations at an event and their messages.

The tables were created by the congress app (``congress/migrations/0004_conversation.py``) and
keep their names, so moving the models here moved no data.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from congress.models import Event


class Conversation(models.Model):
    """A 1:1 conversation of two people at an event; the pair is stored ordered (user_a < user_b)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="conversations")
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Where it was started, e.g. "booth:12" (expo) or "match" (matchmaking).
    origin = models.CharField(_("origin"), max_length=60, blank=True, default="")
    # The highest seq each participant has read (for unread counts).
    user_a_read_seq = models.PositiveBigIntegerField(default=0)
    user_b_read_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "congress_conversation"
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user_a", "user_b"], name="conversation_once_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(user_a__lt=F("user_b")), name="conversation_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.user_a_id} ↔ {self.user_b_id} at {self.event_id}"

    def has_participant(self, user):
        return user is not None and user.pk in (self.user_a_id, self.user_b_id)

    def other(self, user):
        return self.user_b if user.pk == self.user_a_id else self.user_a

    @property
    def topic(self):
        return f"conversation:{self.pk}"


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("text"))
    client_id = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "congress_conversationmessage"
        verbose_name = _("conversation message")
        verbose_name_plural = _("conversation messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"],
                name="conversation_message_once_per_client_id",
            )
        ]
        # The name the index got in the congress app, where it was created.
        indexes = [
            models.Index(fields=["conversation", "-seq"], name="congress_co_convers_497456_idx")
        ]

    def __str__(self):
        return f"{self.sender_id} in {self.conversation_id}: {self.text[:40]}"
