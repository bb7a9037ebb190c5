"""Page rush: at 09:00 every attendee opens the programme, then the live session page.

    .venv/bin/python benchmarks/page_rush.py [--clients 650] [--seconds 10] [--processes 2]
        [--server daphne,uvicorn,granian] [--database-url postgres://…] [--redis-url redis://…/7]

``--clients`` logged-in attendees (session cookies) arrive evenly spread over ``--seconds``. Each,
on its own keep-alive HTTP/1.1 connection (connections alternate over the server processes):

1. ``GET`` the programme page (HTML), then the static files it names (CSS, JS modules; a browser
   with a cold cache fetches them once);
2. right after, ``GET`` the live session's page.

Each page's websocket is not opened here (``reconnect_storm.py`` measures connects). Until
2026-12-03 the web client also read the notification bell's count over REST after every page's
socket opened (``/api/v1/me/notifications/inbox/?unread=1&limit=1``, twice per attendee); the
socket now pushes it right after ``hello`` (``notification.count``), and the rush no longer asks
(``--bell-api`` still does, to compare with code from before).

The programme has 41 sessions in 4 rooms (harness.SETUP). Printed per kind of request (programme
page, session page, API, static): count, status codes, p50/p99/max latency; requests per second
over the rush; server CPU. Then the database queries each of those requests makes (counted once
in-process with Django's test client, logged in as an attendee).

No bare baseline: there is no like-for-like bare server for Django's pages.
"""

import argparse
import asyncio
import json
import re
import subprocess
import sys
import time

from harness import (
    ROOT,
    Cluster,
    common_arguments,
    load_note,
    log,
    percentile,
    prepare,
    run,
)

ASSET = re.compile(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"')

QUERIES = r"""
import json, sys
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
urls = URLS
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(pk=USER))
counts = {}
for name, url in urls.items():
    client.get(url)  # warm caches as a second visitor would find them
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    counts[name] = [status, len(queries)]
print(json.dumps(counts))
"""


class Http:
    """One keep-alive HTTP/1.1 connection; Content-Length or chunked bodies."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port):
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, path, cookie):
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Accept: text/html,application/json\r\nAccept-Encoding: identity\r\n\r\n"
        )
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = b""
        return status, body

    def close(self):
        self.writer.close()


async def attendee(number, args, prepared, ports, start, results):
    people = prepared.people
    cookie = f"{people['cookie_name']}={people['cookies'][number]}"
    await asyncio.sleep(max(0.0, start + number * args.seconds / args.clients - time.monotonic()))
    connection = await Http.open(ports[number % len(ports)])
    inbox = people["urls"]["inbox"] + "?unread=1&limit=1" if args.bell_api else None

    async def fetch(kind, path):
        began = time.monotonic()
        try:
            status, body = await connection.get(path, cookie)
        except (OSError, asyncio.IncompleteReadError) as error:
            results.setdefault(kind, []).append((float("nan"), type(error).__name__))
            raise
        results.setdefault(kind, []).append((time.monotonic() - began, status))
        return body

    try:
        body = await fetch("programme page", people["urls"]["programme"])
        for asset in dict.fromkeys(ASSET.findall(body)):
            await fetch("static", asset.decode())
        if inbox:
            await fetch("API (bell)", inbox)
        await fetch("session page", people["urls"]["session"])
        if inbox:
            await fetch("API (bell)", inbox)
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        connection.close()


def query_counts(prepared, *, bell_api):
    urls = {
        "programme page": prepared.people["urls"]["programme"],
        "session page": prepared.people["urls"]["session"],
    }
    if bell_api:
        urls["API (bell)"] = prepared.people["urls"]["inbox"] + "?unread=1&limit=1"
    script = QUERIES.replace("URLS", json.dumps(urls)).replace(
        "USER", str(prepared.people["users"][0])
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=prepared.server_env("queries", redis=False),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        return {"error": done.stderr[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


async def rush(args, prepared, server):
    """One rush against ``server``; returns (results by kind, seconds, server CPU)."""
    tag = f"pages{time.monotonic_ns() % 100000}"
    cluster = Cluster(server, args.processes, prepared.server_env(tag), prepared.temp, tag)
    cluster.start()
    try:
        # One visit first, so imports and template compilation are not timed.
        warm = {}
        once = argparse.Namespace(seconds=0, clients=1, bell_api=args.bell_api)
        await attendee(0, once, prepared, cluster.ports, time.monotonic(), warm)
        if len(cluster.ports) > 1:
            await attendee(1, once, prepared, cluster.ports[1:], time.monotonic(), warm)
        results = {}
        cpu_before = cluster.cpu()
        started = time.monotonic()
        await asyncio.gather(
            *(
                attendee(n, args, prepared, cluster.ports, started, results)
                for n in range(args.clients)
            )
        )
        elapsed = time.monotonic() - started
        return results, elapsed, cluster.cpu() - cpu_before
    finally:
        cluster.stop()


def report(server, results, elapsed, cpu, counts, clients, seconds):
    total = sum(len(items) for items in results.values())
    log(
        f"\n{server}: {total} requests in {elapsed:.1f} s = {total / elapsed:.0f} requests/s; "
        f"server CPU {cpu:.1f} s ({cpu / max(1, total) * 1000:.1f} ms per request)"
    )
    log(f"{'request':<16} | {'count':>5} | {'statuses':<22} | {'p50 ms':>7} | {'p99 ms':>7} | "
        f"{'max ms':>7} | queries")  # fmt: skip
    for kind in ("programme page", "session page", "API (bell)", "static"):
        items = results.get(kind, [])
        if not items and kind == "API (bell)":
            continue
        latencies = sorted(value * 1000 for value, _status in items if value == value)
        statuses = {}
        for _value, status in items:
            statuses[status] = statuses.get(status, 0) + 1
        query = counts.get(kind, ["", "—"])[1] if isinstance(counts.get(kind), list) else "—"
        log(
            f"{kind:<16} | {len(items):>5} | {json.dumps(statuses):<22} | "
            f"{percentile(latencies, 0.5):>7.0f} | {percentile(latencies, 0.99):>7.0f} | "
            f"{(latencies[-1] if latencies else float('nan')):>7.0f} | {query}"
        )
    session = sorted(v * 1000 for v, _s in results.get("session page", []) if v == v)
    p99 = percentile(session, 0.99)
    log(
        f"{server}: goal session page p99 ≤ 1 s with {clients} arriving in {seconds:.0f} s: "
        f"p99 {p99:.0f} ms → {'MET' if p99 <= 1000 else 'NOT MET'}"
    )


async def main(args):
    log(
        f"page rush: {args.clients} logged-in attendees within {args.seconds:.0f} s on "
        f"{args.processes} processes of {', '.join(args.server)}"
    )
    log(f"before: {load_note()}")
    prepared = prepare(args, args.clients)
    try:
        runs = {server: await rush(args, prepared, server) for server in args.server}
        counts = query_counts(prepared, bell_api=args.bell_api)
    finally:
        prepared.close()
    log(f"after: {load_note()}")
    for server, (results, elapsed, cpu) in runs.items():
        report(server, results, elapsed, cpu, counts, args.clients, args.seconds)
    if "error" in counts:
        log(f"query count failed: {counts['error']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    common_arguments(parser, clients=650)
    parser.add_argument("--seconds", type=float, default=10.0, help="arrivals spread over")
    parser.add_argument(
        "--bell-api",
        action="store_true",
        help="also read the bell's count over REST after each page, as the web client did "
        "before 2026-12-03",
    )
    arguments = parser.parse_args()
    sys.exit(run(main(arguments)))
