"""Publishing pushes to a topic from anywhere (services call this after commit)."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

# Every user's topic (``user:<id>``) goes to this one group. A socket joins its user's topic as it
# connects: with a group per user each connect and close cost a SUBSCRIBE and an UNSUBSCRIBE in
# Redis, one at a time under the hub's lock, thousands of them in a reconnect storm. With one
# group each process subscribes once and gets every user's pushes, keeping those for the users
# it holds (the hub routes by topic); those are few (notifications, 1:1 messages, meetings).
USER_GROUP = "t.user"


def group_name(topic):
    """Channel-layer group names allow only ASCII alphanumerics, hyphens, underscores and periods."""
    if topic.startswith("user:"):
        return USER_GROUP
    return "t." + topic.replace(":", ".")


def is_shared(group):
    """Whether ``group`` carries many topics (a hub then stays in it once it has joined)."""
    return group == USER_GROUP


def frame(type_, topic, data, seq=None):
    """The push frame as sent to clients, serialised once for every recipient."""
    message = {"type": type_, "topic": topic, "data": data}
    if seq is not None:
        message["seq"] = seq
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def batch_frame(topic, pushes):
    """One frame for several push frames of ``topic`` (``pushes``: (frame, seq) pairs, in order),
    joined as they are; its ``seq`` is the highest of theirs, if any has one."""
    seqs = [seq for _text, seq in pushes if seq is not None]
    tail = f',"seq":{max(seqs)}' if seqs else ""
    topic_json = json.dumps(topic, ensure_ascii=False)
    joined = ",".join(text for text, _seq in pushes)
    return f'{{"type":"batch","topic":{topic_json},"pushes":[{joined}]{tail}}}'


def _message(type_, topic, data, seq):
    # The hub compares seq without parsing the frame (to hold back what a resume already replayed).
    return {"type": "hub.push", "topic": topic, "seq": seq, "frame": frame(type_, topic, data, seq)}


def publish(topic, type_, data, *, seq=None):
    """Send a push to every socket subscribed to ``topic`` in every process."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        group_name(topic),
        _message(type_, topic, data, seq),
    )


async def apublish(topic, type_, data, *, seq=None):
    layer = get_channel_layer()
    if layer is None:
        return
    await layer.group_send(
        group_name(topic),
        _message(type_, topic, data, seq),
    )


def close_user_sockets(user_id, *, reason, **data):
    """Close every socket of a user in every process (logout, ban), telling the client why."""
    layer = get_channel_layer()
    if layer is None:
        return
    topic = f"user:{user_id}"
    async_to_sync(layer.group_send)(
        group_name(topic),
        {
            "type": "hub.push",
            "topic": topic,
            "control": "close",
            "code": 4001,
            "frame": frame("session.closed", topic, {"reason": reason, **data}),
        },
    )
