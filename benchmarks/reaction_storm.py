"""Reaction storm: thousands of viewers send reactions; the server pushes one burst a second.

    .venv/bin/python benchmarks/reaction_storm.py [--clients 5000] [--rate 2000] [--duration 10]
        [--processes 2] [--database-url postgres://…] [--redis-url redis://…/7]

``--clients`` registered attendees (token and session cookie, split) subscribe to one LIVE session;
for ``--duration`` seconds they send ``reaction.send`` at ``--rate`` per second in total, spread
evenly over time and round-robin over the sockets (each socket well under its 30 per 3 s).

Printed: reactions sent and acknowledged (and per second), refusals; ``reaction.burst`` pushes
received per socket per second (each process pushes one a second to its sockets); server CPU over
the storm, per second and per reaction. The bare ``websockets`` server (one process, counting,
one burst a second) gets the same load in the same run.
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

EMOJI = ["👍", "👏", "❤️", "😂", "🎉", "🤔"]


async def one_config(args, prepared, kind):
    tag = f"{kind}{time.monotonic_ns() % 100000}"
    # The bare servers share nothing: one process broadcasts to every socket (the floor).
    processes = 1 if kind == "bare" else args.processes
    cluster = Cluster(kind, processes, prepared.server_env(tag), prepared.temp, tag)
    cluster.start()
    topic = "session:1" if kind == "bare" else f"session:{prepared.people['session']}"
    auth = split_auth(args.clients, len(prepared.people["tokens"]))
    swarm = Swarm(prepared, cluster.ports, topic, args.clients, args.client_procs, auth)
    total = int(args.rate * args.duration)
    plan = [
        [number % args.clients, round(number / args.rate, 5), "reaction.send",
         {"topic": topic, "emoji": EMOJI[number % len(EMOJI)]}]
        for number in range(total)
    ]  # fmt: skip
    try:
        await swarm.start()
        subscribed, seconds, errors = await swarm.connect()
        log(
            f"[{kind}] {subscribed}/{args.clients} subscribed in {seconds:.1f} s"
            + (f"; failures {errors}" if errors else "")
        )
        await asyncio.sleep(2)
        before = await swarm.report()
        cpu_before = cluster.cpu()
        started = time.time()
        sent = await swarm.run_plan(plan, started + 0.5, 2.0)
        elapsed = time.time() - started - 0.5
        cpu = cluster.cpu() - cpu_before
        report = await swarm.report()
    finally:
        await swarm.stop()
        cluster.stop()
    accepted = report["replies"].get("ok", 0) - before["replies"].get("ok", 0)
    refused = {code: count for code, count in report["replies"].items() if code != "ok"}
    bursts = report["pushes"].get("reaction.burst", 0) - before["pushes"].get("reaction.burst", 0)
    result = {
        "sent": sent,
        "accepted": accepted,
        "accepted_rate": accepted / args.duration,
        "refused": refused,
        "bursts_per_socket_second": bursts / max(1, subscribed) / elapsed,
        "cpu": cpu,
        "cpu_per_second": cpu / elapsed,
        "cpu_per_reaction": cpu / max(1, accepted) * 1e6,
    }
    log(
        f"[{kind}] sent {sent} reactions, acknowledged {accepted} ({result['accepted_rate']:.0f}/s)"
        f", refused {refused or 0}; reaction.burst pushes {bursts} = "
        f"{result['bursts_per_socket_second']:.2f} per socket per second; server CPU {cpu:.1f} s "
        f"over {elapsed:.1f} s = {result['cpu_per_second']:.2f} cores, "
        f"{result['cpu_per_reaction']:.0f} µs per reaction (bursts included)"
    )
    return result


async def main(args):
    log(
        f"reaction storm: {args.rate}/s for {args.duration} s from {args.clients} sockets on "
        f"{args.processes} processes"
    )
    results = await compare(args, one_config)
    bare = results.get("bare")
    log("\n== Summary ==")
    for server in args.server:
        ours = results[server]
        line = (
            f"{server}: {ours['accepted_rate']:.0f} reactions/s acknowledged, "
            f"{ours['cpu_per_second']:.2f} cores"
        )
        if bare:
            ratio = ours["cpu_per_reaction"] / max(bare["cpu_per_reaction"], 1e-9)
            line += (
                f"; bare: {bare['accepted_rate']:.0f}/s, {bare['cpu_per_second']:.2f} cores → CPU "
                f"{ratio:.1f}× bare per reaction"
            )
        log(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    common_arguments(parser, clients=5000)
    parser.add_argument("--rate", type=float, default=2000.0, help="reactions per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    arguments = parser.parse_args()
    sys.exit(run(main(arguments)))
