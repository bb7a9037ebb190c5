"""Chat writes against the per-topic sequence lock: one hot topic against one topic per writer.

    .venv/bin/python benchmarks/chat_writes.py --database-url postgres://postgres@127.0.0.1:5432/postgres
        [--writers 8] [--messages 200]

Each chat message takes the next sequence number of its topic with an ``INSERT … ON CONFLICT DO
UPDATE`` on the topic's ``TopicCounter`` row, in the statement that stores the message and the
log entry (``create_and_emit`` in treffpunkt/realtime/events.py), so the row stays locked until
that statement commits and writers of one topic take turns. This measures what that costs:
``--writers`` threads (each its own database connection) each store ``--messages`` messages through
``congress.live_services.send_chat_message``, first all into one session, then each into its
own session. Printed: messages per second and p50/p99 time per message for both, and the ratio.

Needs PostgreSQL (on SQLite every write takes the database's one write lock anyway); a throwaway
``treffpunkt_bench_<hex>`` database is created on the server named and dropped at the end.
Redis is not used (the publish after commit goes to the in-memory layer and nowhere).
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(ROOT))

from harness import load_note, log, setup_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--messages", type=int, default=200, help="per writer")
    args = parser.parse_args()
    url, drop = setup_database(args, None)
    try:
        os.environ.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="treffpunkt.settings",
            REALTIME_CHAT_RATE="100000000",
            LOG_LEVEL="WARNING",
        )
        os.environ.pop("REDIS_URL", None)
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
            check=True,
            cwd=ROOT,
        )
        import django

        django.setup()
        run(args)
    finally:
        if drop is not None:
            from django.db import connections

            connections.close_all()
            drop()


def run(args):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from congress.live_services import send_chat_message
    from congress.models import Event, Registration, Session

    today = timezone.localdate()
    event = Event.objects.create(
        slug="writes", acronym="writes", name="Writes", is_published=True,
        start_date=today - timedelta(days=1), end_date=today + timedelta(days=1),
    )  # fmt: skip
    now = timezone.now()
    sessions = [
        Session.objects.create(
            event=event,
            title=f"Live {n}",
            state="live",
            start=now - timedelta(minutes=5),
            end=now + timedelta(hours=3),
        )  # fmt: skip
        for n in range(args.writers)
    ]
    users = []
    for n in range(args.writers):
        user = get_user_model().objects.create_user(f"writer{n}", password="x")
        Registration.objects.create(event=event, user=user)
        users.append(user)
    log(f"{args.writers} writers × {args.messages} messages; {load_note()}")
    results = {}
    for shape in ("one topic", "one topic each"):
        times = []
        lock = threading.Lock()
        barrier = threading.Barrier(args.writers)

        def writer(number, shape=shape, times=times, lock=lock, barrier=barrier):
            session = sessions[0] if shape == "one topic" else sessions[number]
            own = []
            barrier.wait()
            for index in range(args.messages):
                started = time.perf_counter()
                send_chat_message(
                    user=users[number], session=session, text=f"Hallo {index}",
                    client_id=f"{shape}-{number}-{index}",
                )  # fmt: skip
                own.append(time.perf_counter() - started)
            connection.close()
            with lock:
                times.extend(own)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.writers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        times.sort()
        rate = len(times) / elapsed
        results[shape] = rate
        log(
            f"{shape:>15}: {len(times)} messages in {elapsed:.1f} s = {rate:.0f}/s; per message "
            f"p50 {statistics.median(times) * 1000:.1f} ms, "
            f"p99 {times[int(len(times) * 0.99) - 1] * 1000:.1f} ms"
        )
    log(
        f"one hot topic: {results['one topic'] / results['one topic each']:.2f}× the rate of one "
        f"topic per writer; {load_note()}"
    )


if __name__ == "__main__":
    main()
