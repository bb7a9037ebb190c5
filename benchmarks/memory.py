"""Memory: resident memory per 1,000 idle subscribed sockets, Treffpunkt against the bare server.

    .venv/bin/python benchmarks/memory.py [--clients 5000] [--server daphne,uvicorn,granian]

One server process each. After a warm-up socket, its RSS (``/proc/<pid>/status`` VmRSS) is read;
``--clients`` sockets connect (registered attendees, token and session cookie, split; on the
bare server the same handshakes) and subscribe to one LIVE session; after ``--settle`` seconds of
idling the RSS is read again. Printed: RSS before and after, and (after − before) per 1,000
sockets, for both servers, and the ratio.
"""

import argparse
import asyncio
import sys
import time

from harness import (
    Cluster,
    Swarm,
    common_arguments,
    compare,
    log,
    run,
    split_auth,
)


async def one_config(args, prepared, kind):
    tag = f"{kind}{time.monotonic_ns() % 100000}"
    cluster = Cluster(kind, 1, prepared.server_env(tag), prepared.temp, tag)
    cluster.start()
    topic = "session:1" if kind == "bare" else f"session:{prepared.people['session']}"
    auth = split_auth(args.clients, len(prepared.people["tokens"]))
    warm = Swarm(prepared, cluster.ports, topic, 2, 1, auth)
    swarm = Swarm(prepared, cluster.ports, topic, args.clients, args.client_procs, auth)
    try:
        await warm.start()
        await warm.connect()
        await asyncio.sleep(args.settle)
        before = cluster.rss_kib()
        await swarm.start()
        subscribed, _seconds, errors = await swarm.connect()
        await asyncio.sleep(args.settle)
        after = cluster.rss_kib()
    finally:
        await swarm.stop()
        await warm.stop()
        cluster.stop()
    per_thousand = (after - before) / max(1, subscribed) * 1000 / 1024
    log(
        f"[{kind}] {subscribed}/{args.clients} idle subscribed sockets"
        + (f" (failures {errors})" if errors else "")
        + f": RSS {before / 1024:.1f} → {after / 1024:.1f} MiB = {per_thousand:.1f} MiB "
        f"per 1,000 sockets"
    )
    return per_thousand


async def main(args):
    log(f"memory: {args.clients} idle subscribed sockets on one process")
    results = await compare(args, one_config)
    log("\n== Summary ==")
    for server in args.server:
        ours = results[server]
        line = f"{server}: {ours:.1f} MiB per 1,000 idle sockets"
        if "bare" in results:
            ratio = ours / results["bare"] if results["bare"] > 0 else float("nan")
            line += (
                f"; bare {results['bare']:.1f} MiB → {ratio:.2f}× bare; goal ≤ 2× bare: "
                f"{'MET' if ratio <= 2 else 'NOT MET'}"
            )
        log(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    common_arguments(parser, clients=5000, processes=1)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of idling before RSS")
    arguments = parser.parse_args()
    sys.exit(run(main(arguments)))
