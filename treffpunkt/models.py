"""The realtime event log: every persisted push with its per-topic sequence number.

A client that was away resumes with ``subscribe {topic, since}`` and gets the rows after ``since``
from here, in order, exactly once. Apps write to it only through ``treffpunkt.realtime.events.emit``.
"""

from django.db import models


class TopicCounter(models.Model):
    topic = models.CharField(max_length=120, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.topic}: {self.value}"


class TopicEvent(models.Model):
    topic = models.CharField(max_length=120)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=60)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "seq"], name="topic_seq_unique")]

    def __str__(self):
        return f"{self.topic}#{self.seq} {self.type}"
