"""Realtime handlers of live captions on ``session:<id>``: ``captions.cue`` and
``captions.transcript``.

A captioner (CART writer) sends a line; it is stored in the topic's event log and pushed to every
viewer of the session, who shows it in the caption bar and the transcript. Viewers may read the
transcript of a session they are subscribed to (watching was checked at ``subscribe``).
"""

from rest_framework import serializers

from congress.live import topic_session
from treffpunkt.realtime.registry import handler

from . import services
from .selectors import transcript_for


class CueSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=2000)


class TranscriptSchema(serializers.Serializer):
    topic = serializers.CharField(max_length=120)


@handler(
    "captions.cue",
    schema=CueSchema,
    subscribed=True,
    load=topic_session,
    rule="accessibility.caption_session",
)
def send_cue(ctx, data, session):
    cue, seq = services.send_caption_cue(user=ctx.user, session=session, text=data["text"])
    return {"cue": cue, "seq": seq}


@handler(
    "captions.transcript",
    schema=TranscriptSchema,
    subscribed=True,
    load=topic_session,
    requires_login=False,
)
def transcript(ctx, data, session):
    return {"cues": transcript_for(session)}
