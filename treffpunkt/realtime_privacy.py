"""The realtime event log's part in erasure: replayed pushes must not bring an erased person back."""

from .models import TopicEvent
from .privacy import declare, scrub_json, shredder

declare(
    "treffpunkt.TopicEvent",
    erased=("data",),
    kept={
        "topic": "A topic name (session:42, user:7): ids only.",
        "type": "The kind of push.",
    },
)
declare("treffpunkt.TopicCounter", kept={"topic": "A topic name: ids only."})


@shredder(
    "realtime",
    "Removes the person's name and texts from the stored pushes that resume replays, and deletes "
    "their own user topic's pushes.",
    order=80,
)
def shred_realtime_log(user, *, strings):
    deleted = TopicEvent.objects.filter(topic=f"user:{user.pk}").delete()[0]
    scrubbed = 0
    for event in TopicEvent.objects.iterator():
        data = scrub_json(event.data, user_id=user.pk, strings=strings)
        if data != event.data:
            TopicEvent.objects.filter(pk=event.pk).update(data=data)
            scrubbed += 1
    return {"user_topic_events": deleted, "scrubbed_events": scrubbed}
