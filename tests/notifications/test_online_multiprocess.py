"""Online is what every process agrees on: a socket on one daphne process keeps the mail of a
notification made on the other process waiting (two processes on one Redis)."""

import json
import os
import urllib.request
import uuid

import pytest
import websockets

from tests.realtime.test_multiprocess import redis_url, run
from tests.servers import daphne_processes, run_setup

pytestmark = pytest.mark.multiprocess

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from congress.models import Event, Registration
from matchmaking.models import MeetingSlot, Profile

today = timezone.localdate()
event = Event.objects.create(slug="mp", acronym="mp2026", name="Mehrprozess",
                             start_date=today - timedelta(days=1), end_date=today + timedelta(days=3),
                             is_published=True)
tokens, ids = {}, {}
for name in ("anna", "ben"):
    user = get_user_model().objects.create_user(name, email=f"{name}@example.org", first_name=name)
    Registration.objects.create(event=event, user=user)
    Profile.objects.create(event=event, user=user, is_visible=True)
    tokens[name] = Token.objects.create(user=user).key
    ids[name] = user.pk
slots = []
for hour in (10, 11):
    start = event.starts_at + timedelta(days=2, hours=hour)
    MeetingSlot.objects.create(event=event, start=start, end=start + timedelta(minutes=30))
    slots.append([start.isoformat(), (start + timedelta(minutes=30)).isoformat()])
print(json.dumps({"tokens": tokens, "ids": ids, "slots": slots}))
"""

JOBS = """
import json
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
jobs = DBTaskResult.objects.filter(task_path="notifications.tasks.send_notification_mail")
def delay(job):
    # A job without run_after stores a far-future sentinel in that column; it runs at once.
    seconds = round((job.run_after - timezone.now()).total_seconds())
    return 0 if seconds > 10**8 else seconds
print(json.dumps([[delay(job), job.args_kwargs["kwargs"]["require_away"]]
                  for job in jobs.order_by("enqueued_at")]))
"""


def request_meeting(port, world, slot):
    body = json.dumps({"invitee": world["ids"]["ben"], "start": slot[0], "end": slot[1]}).encode()
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        f"http://127.0.0.1:{port}/api/v1/events/mp/meetings/",
        data=body,
        headers={
            "Authorization": f"Token {world['tokens']['anna']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201


def test_a_socket_on_one_process_counts_as_online_for_the_other(
    database_templates, tmp_path_factory
):
    directory = tmp_path_factory.mktemp("online")
    env = {
        **os.environ,
        "DATABASE_URL": database_templates.sqlite_url(directory),
        "REDIS_URL": redis_url(),
        "CHANNEL_PREFIX": f"on{uuid.uuid4().hex[:6]}",
        "CACHE_PREFIX": f"on{uuid.uuid4().hex[:6]}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
    }
    world = run_setup(env, SETUP)
    with daphne_processes(env, 2, directory / "daphne.log") as urls:
        ports = [int(url.rsplit(":", 1)[1]) for url in urls]

        async def with_ben_online_on_process_b():
            socket = await websockets.connect(
                f"ws://127.0.0.1:{ports[1]}/ws/",
                origin=f"http://127.0.0.1:{ports[1]}",
                additional_headers={"Authorization": f"Token {world['tokens']['ben']}"},
                open_timeout=5,
            )
            assert json.loads(await socket.recv())["type"] == "hello"
            request_meeting(ports[0], world, world["slots"][0])
            pushed = json.loads(await socket.recv())
            while pushed.get("type") != "notification.new":
                pushed = json.loads(await socket.recv())
            await socket.close()
            return pushed

        pushed = run(with_ben_online_on_process_b())
        # The closed socket's mark is gone at once: the next one is mailed right away.
        request_meeting(ports[0], world, world["slots"][1])
        jobs = run_setup(env, JOBS)

    assert pushed["data"]["kind"] == "meeting.requested"
    (waiting, waiting_away), (now, now_away) = jobs
    assert waiting >= 590 and waiting_away is True
    assert now == 0 and now_away is False
