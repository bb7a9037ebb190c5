"""Benchmark of the schedule exports: schedule.json uncached, cached (200) and revalidated (304).

Run: ``.venv/bin/python benchmarks/schedule.py [--seconds 5] [--connections 8]``

What it does, all in a temporary directory that is removed at the end:

1. Creates a fresh SQLite database (``DATABASE_URL`` is set before Django starts), migrates it and
   seeds a programme: ``manage.py seed_demo`` when the project has it, else ~65 sessions in 4 rooms
   over 2 days built here with the ORM.
2. In process, with the cache cleared before every call: the builder alone (sessions query +
   ``exports.schedule_json``) and the whole view through Django's test client; then the view with
   the cache warm. This is the cost of the code itself, without any server in the way.
3. Starts a real daphne as production does (``python -m treffpunkt.serve``: a master and one
   worker; DEBUG off, no access log) on a free 127.0.0.1 port on the same database, twice: serving ``treffpunkt.asgi:application`` with ``ASGI_HTTP_FAST_PATHS`` empty
   (every request through Django's cycle), and as deployed, with the exports' fast path
   ``congress.export_views.serve_cached_exports`` in front. Against each, over HTTP/1.1 with
   keep-alive:

   - **uncached**: the daphne process's cache cannot be cleared from here, so every request is
     made a miss by raising the event's ``programme_version`` in the database first (the cache key
     carries the version). One client, sequential; only the request is timed, not the UPDATE.
     req/s for this row is 1 / mean latency on that one connection.
   - **cached 200**: ``--connections`` concurrent keep-alive connections fetch the full body, for
     ``--seconds`` or ``--requests`` per phase, whichever ends first (after a short warm-up).
   - **cached 304**: the same with ``If-None-Match`` set to the current ETag.

   Every response is checked (status and body length). Client and server share the machine, so
   the client's CPU competes with daphne's; the table therefore also gives daphne's own CPU time
   per request (user + system of the worker, from /proc), which does not depend on the client.

Not measured: several daphne processes, PostgreSQL/Redis, TLS, a reverse proxy in front.
"""

import argparse
import asyncio
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def configure_environment(directory):
    """Settings for this process and the daphne children: own database, production-like flags."""
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "treffpunkt.settings"
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "benchmark-" + os.urandom(32).hex()
    os.environ["ALLOWED_HOSTS"] = f"{HOST},localhost,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.pop("REDIS_URL", None)
    os.environ["MEDIA_ROOT"] = str(directory / "media")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(directory), str(ROOT)])


def seed():
    """Seed with seed_demo if the project has it, else build a programme here. Returns the event."""
    from django.core.management import call_command, get_commands
    from django.db.models import Count

    from congress.models import Event

    if "seed_demo" in get_commands():
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        source = "seed_demo"
    else:
        build_programme()
        source = "fallback ORM seed"
    event = (
        Event.objects.filter(is_published=True)
        .annotate(total=Count("sessions"))
        .order_by("-total")
        .first()
    )
    return event, source


def build_programme():
    """~65 sessions in 4 rooms over 2 days, with tracks and speakers (used without seed_demo)."""
    from congress.models import Event, Room, Session, Speaker, Track

    first = date.today()
    event = Event.objects.create(
        slug="bench-kongress",
        acronym="bench2026",
        name="Benchmark-Kongress",
        start_date=first,
        end_date=first + timedelta(days=1),
        is_published=True,
    )
    rooms = [
        Room.objects.create(event=event, name=name, capacity=300, position=index)
        for index, name in enumerate(["Hauptbühne", "Bühne Daten", "Bühne Mobilität", "Forum"])
    ]
    tracks = [
        Track.objects.create(event=event, name=name)
        for name in ["Daten", "Mobilität", "Sicherheit", "Zusammenarbeit"]
    ]
    speakers = [
        Speaker.objects.create(
            event=event,
            name=f"Referent:in {n}",
            organisation="Stadt Musterhausen",
            bio="Bio. " * 20,
        )
        for n in range(40)
    ]
    count = 0
    for day in range(2):
        for slot in range(9):  # 09:00 … 17:00, 45 minutes each
            start = datetime.combine(
                first + timedelta(days=day), datetime.min.time(), tzinfo=event.tz
            ) + timedelta(hours=9 + slot)
            for index, room in enumerate(rooms):
                if count >= 65:
                    return
                session = Session.objects.create(
                    event=event,
                    title=f"Vortrag {count + 1}: Datenräume und Verwaltung",
                    abstract="Worum es in diesem Vortrag geht, in drei Sätzen. " * 3,
                    kind=Session.Kind.BREAK if slot == 3 and index == 0 else Session.Kind.TALK,
                    start=start,
                    end=start + timedelta(minutes=45),
                    room=room,
                    track=tracks[index],
                )
                session.speakers.set(speakers[(count * 2) % 40 : (count * 2) % 40 + 2])
                count += 1


def per_second(durations):
    return len(durations) / sum(durations) if durations else 0.0


def time_in_process(event, rounds):
    """The code's own cost: builder alone, and the whole view via the test client."""
    from django.core.cache import cache
    from django.test import Client

    from congress import exports, selectors

    builder = []
    for _ in range(rounds):
        started = time.perf_counter()
        exports.schedule_json(event, list(selectors.sessions_for(event)), origin="http://bench")
        builder.append(time.perf_counter() - started)

    client = Client()
    url = f"/api/v1/events/{event.slug}/schedule.json"
    view_uncached, view_cached = [], []
    for _ in range(rounds):
        cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        view_uncached.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    for _ in range(rounds * 10):
        started = time.perf_counter()
        response = client.get(url)
        view_cached.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return [
        ("in-process builder, uncached", per_second(builder), builder, None),
        (
            "in-process view, cache cleared each time",
            per_second(view_uncached),
            view_uncached,
            None,
        ),
        ("in-process view, cached", per_second(view_cached), view_cached, None),
    ]


# --- HTTP -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def daphne(application, log_path, **environment):
    """daphne serving ``application`` on a free port, started as production starts it
    (``python -m treffpunkt.serve``: a master that binds the port and forks the worker); yields
    (port, the worker's pid) once a request is answered."""
    from tests.servers import child_pids, free_port  # ROOT is on sys.path (main)

    port = free_port()
    command = [sys.executable, "-m", "treffpunkt.serve", "--host", HOST, "--port", str(port),
               "--application", application, "--", "-v", "0"]  # fmt: skip
    with open(log_path, "ab") as log:
        env = {**os.environ, **environment}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"daphne exited:\n{Path(log_path).read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError("daphne did not start within 30 s")
                # The port takes connections before the application has loaded: wait for an answer.
                health = f"http://{HOST}:{port}/health/"
                with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2):  # noqa: S310
                    break
                time.sleep(0.1)
            yield port, child_pids(process.pid)[0]
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Connection:
    """One keep-alive HTTP/1.1 connection, reading Content-Length framed responses."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port):
        return cls(*await asyncio.open_connection(HOST, port))

    async def get(self, path, headers=()):
        lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", *headers, "", ""]
        self.writer.write("\r\n".join(lines).encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        response_headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                response_headers[name.strip().lower()] = value.strip()
        length = int(response_headers.get("content-length", "0"))
        body = await self.reader.readexactly(length) if length else b""
        return status, response_headers, body

    def close(self):
        self.writer.close()


async def load(port, path, *, headers, expect, connections, seconds, limit):
    """Concurrent keep-alive clients until ``seconds`` pass or ``limit`` requests are done."""
    started_count = 0
    latencies = []
    deadline = time.perf_counter() + seconds

    async def client():
        nonlocal started_count
        connection = await Connection.open(port)
        try:
            while started_count < limit and time.perf_counter() < deadline:
                started_count += 1
                started = time.perf_counter()
                status, _headers, body = await connection.get(path, headers)
                latencies.append(time.perf_counter() - started)
                assert (status, len(body)) == expect, (status, len(body), expect)
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return len(latencies) / (time.perf_counter() - started), latencies


async def measure_http(port, server_pid, event, args, label):
    from django.db.models import F

    from congress.models import Event

    def bump_version():
        Event.objects.filter(pk=event.pk).update(programme_version=F("programme_version") + 1)

    path = f"/api/v1/events/{event.slug}/schedule.json"
    rows = []
    connection = await Connection.open(port)
    try:
        uncached = []
        phase_started = time.perf_counter()
        while len(uncached) < args.uncached and time.perf_counter() - phase_started < args.seconds:
            # The ORM refuses to run in the event loop's thread; the UPDATE is not timed anyway.
            await asyncio.to_thread(bump_version)
            started = time.perf_counter()
            status, _headers, body = await connection.get(path)
            uncached.append(time.perf_counter() - started)
            assert status == 200 and body, status
        rows.append((f"{label}: uncached (1 conn)", per_second(uncached), uncached, None))
        # Warms the cache for the current version; gives the ETag and the length.
        status, headers, body = await connection.get(path)
        assert status == 200, status
        etag, length = headers["etag"], len(body)
    finally:
        connection.close()

    for phase, extra_headers, expect in [
        ("cached 200", (), (200, length)),
        ("cached 304", (f"If-None-Match: {etag}",), (304, 0)),
    ]:
        options = {"headers": extra_headers, "expect": expect}
        await load(port, path, **options, connections=2, seconds=0.5, limit=200)
        cpu_before = cpu_seconds(server_pid)
        rate, latencies = await load(
            port,
            path,
            **options,
            connections=args.connections,
            seconds=args.seconds,
            limit=args.requests,
        )
        cpu_after = cpu_seconds(server_pid)
        server_cpu = (cpu_after - cpu_before) / len(latencies) if cpu_before is not None else None
        rows.append((f"{label}: {phase} ({args.connections} conns)", rate, latencies, server_cpu))
    return rows, length


def print_table(rows):
    print(
        f"{'measurement':46} {'req/s':>7} {'n':>6} {'mean ms':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'daphne CPU ms/req':>17}"
    )
    for label, rate, durations, server_cpu in rows:
        ordered = sorted(durations)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        cpu = f"{server_cpu * 1000:17.2f}" if server_cpu is not None else f"{'-':>17}"
        print(
            f"{label:46} {rate:7.0f} {len(durations):6d} {statistics.mean(durations) * 1000:8.2f} "
            f"{statistics.median(durations) * 1000:7.2f} {p95 * 1000:7.2f} {cpu}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time limit per HTTP phase")
    parser.add_argument("--requests", type=int, default=20000, help="request limit per phase")
    parser.add_argument("--uncached", type=int, default=200, help="uncached HTTP requests")
    parser.add_argument("--rounds", type=int, default=50, help="in-process uncached rounds")
    parser.add_argument("--connections", type=int, default=8, help="concurrent HTTP clients")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="treffpunkt-bench-"))
    try:
        configure_environment(directory)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        event, source = seed()
        from congress.models import Session

        sessions = Session.objects.filter(event=event)
        rooms = sessions.exclude(room=None).values("room").distinct().count()
        print(
            f"Programme ({source}): {event.name!r}, {sessions.count()} sessions in {rooms} rooms "
            f"over {len(event.days)} days; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
        )

        rows = time_in_process(event, args.rounds)
        for label, fast_paths in [
            ("daphne, Django", ""),
            ("daphne, fast path", "congress.export_views.serve_cached_exports"),
        ]:
            with daphne(
                "treffpunkt.asgi:application",
                directory / "daphne.log",
                ASGI_HTTP_FAST_PATHS=fast_paths,
            ) as (port, pid):
                http_rows, length = asyncio.run(measure_http(port, pid, event, args, label))
            rows += http_rows

        print(f"schedule.json: {length} bytes; DEBUG off, SQLite (WAL), local-memory cache")
        print()
        print_table(rows)
        print()
        print("uncached and in-process rows: req/s = 1 / mean latency, one request at a time;")
        print("cached rows: completed requests / wall time with concurrent keep-alive clients.")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
