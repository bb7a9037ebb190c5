"""Reconnect storm: every client of a live session comes back at once and catches up with `since`.

    .venv/bin/python benchmarks/reconnect_storm.py [--clients 5000] [--processes 2] [--missed 20]
        [--database-url postgres://…] [--redis-url redis://127.0.0.1:6379/7] [--no-bare]
        [--held-sockets] [--drops crash,restart,reload,network] [--reconnect-concurrency 40]
        [--repeat 5]

Set-up (harness.prepare): ``--clients`` registered attendees, half authenticating with a DRF token
(``Authorization``), half with a logged-in session cookie (+ ``Origin``); all subscribe to one LIVE
session, spread over ``--processes`` server processes.

Four drops, one after the other, each on a fresh set of connections:

- **crash**: every process that serves is killed (SIGKILL, as a crash or the out-of-memory killer
  would). Under ``treffpunkt.serve`` those are the workers, and their master forks replacements
  from the loaded application at once; a server without a master (the bare one, uvicorn,
  granian) is started again at once on the same port, as a supervisor restarts a crashed process.
  Meanwhile ``--missed`` chat messages are stored (through the chat service, from a separate
  process).
- **restart**: every server process is killed, masters included (a hard deploy, or a crash of the
  whole server), and started again at once, cold; the missed messages as above.
- **reload**: a deploy as ``treffpunkt.serve`` makes one (SIGHUP to every master,
  ``systemctl reload``): each master loads the code again while its workers serve, then its new
  workers take over and the old ones close their sockets with "reconnect"; the missed messages
  as above. A client is back once it has subscribed again and caught up. Times count from the
  first socket the old workers closed (the clients' outage; the signal came the load's second
  earlier, and that time is printed too). The bare server has no reload: its deploy is a
  restart, as above, and the ratio is to that.
- **network**: every client's TCP connection is reset at once (RST; the servers stay up); while
  the network is "down" a sender posts ``--missed`` messages; then it is back and every client
  makes its first attempt within socket.js's first backoff step. Times count from the network's
  return.

Clients reconnect with the web client's schedule (web/static/web/lib/socket.js ``retryCeiling``:
full jitter, the ceiling starting at 0.5 s and doubling per failed attempt, but within 2 s for the
first 10 s of an outage) and resubscribe with ``since`` = the highest seq they saw. Each does so
when its own backoff says, however many others are still connecting, as 5,000 independent browsers
do. Until the sixth session of 2026-12-03 the load generator let at most 40 connects per server
port be in flight at once (a limit kept from when daphne listened with Twisted's backlog of 50),
which made the storm's time the connects' latency × 5,000 / 80 rather than what the servers can
do; ``--reconnect-concurrency 40`` brings that limit back, to compare (docs/performance.md). The
first connects of each round, before the drop, keep it. A client is
*back* when its subscribe reply (``missed`` included) or a push has brought it to the topic's
newest seq. Printed: seconds from the drop until 50 %, 99 % and all clients are back, how long the
servers took to answer an HTTP request again (crash, restart: a request sent as soon as the port
takes connections, which daphne's does before its application has loaded, treffpunkt/serve.py; it
waits in the queue with the clients'), failures, the bytes of the subscribe replies (snapshot +
missed), and the CPU the servers and the load generator used over the storm (the load generator
shares the cores: since the seventh session of 2026-12-03 it keeps its clients' timers in a heap
instead of walking all of them after every poll, which had cost it about a third of its CPU).

With ``--held-sockets`` the benchmark holds each server's listening socket itself and hands it to
the process it starts, as systemd does with a socket unit (docs/deployment.md): a restart then
refuses no connect, the kernel queues them until the new process takes them, and the clients'
backoff does not grow. Only daphne and the bare server take a held socket.

The bare ``websockets`` server (bare_broadcast.py, one process per Treffpunkt process) is dropped
the same ways; it has no state to resume, so it measures reconnect + subscribe alone. Its time
and the ratio are printed in the same run. Each drop runs for the bare server and then for
Treffpunkt before the next drop (with a fresh set of processes each), so the two times of a ratio
are taken a minute or two apart: this machine's speed drifts by up to half within minutes
(docs/performance.md, the fourth session of 2026-12-03). Until then all three drops ran for the
bare server first. ``--repeat N`` runs the drops N times over on the same set-up and prints, per
drop, in how many rounds the goal was met and the medians of the times and the ratios.
"""

import argparse
import asyncio
import statistics
import sys
import time

from harness import (
    ChatWriter,
    Cluster,
    Swarm,
    common_arguments,
    compare,
    log,
    percentile,
    run,
    split_auth,
)
from live_fanout import Sender

DROPS = ("crash", "restart", "reload", "network")


def describe(label, result, clients, cpu, answering=None, client_cpu=None, reload=None):
    times = result["times"]
    line = (
        f"{label}: back {result['caught']}/{clients}"
        f"; 50 % {percentile(times, 0.5):.2f} s, 99 % {percentile(times, 0.99):.2f} s, "
        f"all {times[-1] if len(times) == clients else float('nan'):.2f} s after the drop"
    )
    if reload is not None:
        signalled, closing = reload
        line += f" ({signalled:.2f} s after the signal; the old workers closed their sockets over"
        line += f" {closing:.2f} s)"
    if answering is not None:
        line += f" (servers answering again after {answering:.2f} s)"
    line += (
        f"; subscribe replies {result['reply_bytes'] / max(1, result['caught']) / 1024:.1f} KiB "
        f"each; server CPU {cpu:.2f} s"
    )
    if client_cpu is not None:
        line += f", load generator's {client_cpu:.2f} s"
    if result["errors"]:
        line += f"; failures {result['errors']}"
    log(line)


async def one_config(args, prepared, kind):
    tag = f"{kind}{time.monotonic_ns() % 100000}"
    env = prepared.server_env(tag)
    env["REALTIME_CHAT_RATE"] = "1000000"
    cluster = Cluster(kind, args.processes, env, prepared.temp, tag, held=args.held_sockets)
    cluster.start()
    topic = "session:1" if kind == "bare" else f"session:{prepared.people['session']}"
    auth = split_auth(args.clients, len(prepared.people["tokens"]))
    results = {}
    writer = ChatWriter(prepared, env) if kind != "bare" else None
    for drop in args.drops:
        swarm = Swarm(prepared, cluster.ports, topic, args.clients, args.client_procs, auth,
                      timeout=args.timeout)  # fmt: skip
        in_flight = swarm.per_process(args.reconnect_concurrency)
        sender = None
        try:
            await swarm.start()
            subscribed, seconds, errors = await swarm.connect()
            key = _key(drop, args.round, args.repeat)
            label = f"[{kind}, {key}]"
            log(
                f"{label} {subscribed}/{args.clients} subscribed in {seconds:.1f} s"
                + (f"; failures {errors}" if errors else "")
            )
            await swarm.all({"cmd": "reconnect", "on": True}, "reconnect")
            target = None
            if kind != "bare":
                before = writer.write(0, f"{tag}-{drop}-probe")
                target = before + args.missed
            cpu_before = cluster.cpu()
            # The load generator shares the cores: what it takes, the servers cannot have.
            client_cpu_before = swarm.cpu()
            reload = None
            reloading = drop == "reload" and cluster.has_master  # the bare server restarts
            if reloading:
                cpu_before = cluster.tree_cpu()  # the old workers exit during the storm
                signalled_at = time.time()
                cluster.reload()
                storm = asyncio.ensure_future(
                    swarm.all({"cmd": "storm", "target": target, "started_at": signalled_at,
                               "concurrency": in_flight, "resubscribe": True},
                              "storm", timeout=args.timeout + 60)
                )  # fmt: skip
                await asyncio.to_thread(writer.write, args.missed, f"{tag}-{drop}")
                answering = None
            elif drop in ("crash", "restart", "reload"):
                dropped_at = time.time()
                warm = drop == "crash" and cluster.has_master
                if warm:
                    cpu_before = cluster.master_cpu()  # the killed workers' CPU is not the storm's
                    cluster.kill_workers()
                else:
                    cpu_before = 0.0  # fresh processes
                    cluster.kill()
                storm = asyncio.ensure_future(
                    swarm.all({"cmd": "storm", "target": target, "started_at": dropped_at,
                               "concurrency": in_flight},
                              "storm", timeout=args.timeout + 60)
                )  # fmt: skip
                if not warm:
                    cluster.start(wait=False)

                def serving(dropped_at=dropped_at):
                    for index in range(args.processes):
                        cluster.wait_serving(index)
                    return time.time() - dropped_at

                waits = [asyncio.to_thread(serving)]
                if kind != "bare":
                    waits.append(asyncio.to_thread(writer.write, args.missed, f"{tag}-{drop}"))
                answering, *_ = await asyncio.gather(*waits)
            else:
                if kind != "bare":
                    sender = await Sender.open(
                        cluster.ports[0], prepared.people["tokens"][0], topic
                    )
                await swarm.all({"cmd": "drop"}, "drop")
                if sender is not None:
                    waiters = [
                        await sender.send(
                            number + 10,
                            "chat.send",
                            {
                                "topic": topic,
                                "text": f"Verpasst {number}",
                                "client_id": f"{tag}-net-{number}",
                            },
                        )  # fmt: skip
                        for number in range(args.missed)
                    ]
                    await asyncio.wait_for(asyncio.gather(*waiters), 60)
                dropped_at = time.time()  # the network is back: count from here
                storm = asyncio.ensure_future(
                    swarm.all({"cmd": "storm", "target": target, "started_at": dropped_at,
                               "concurrency": in_flight},
                              "storm", timeout=args.timeout + 60)
                )  # fmt: skip
                answering = None
            answers = await storm
            if reloading:
                cpu = cluster.tree_cpu() - cpu_before
                # Count from the first socket closed, as the other drops count from theirs.
                closed = [a["first_closed"] for a in answers if a["first_closed"] is not None]
                last = max((a["last_closed"] for a in answers if a["last_closed"]), default=0)
                signalled = max((v for answer in answers for v in answer["times"]), default=0)
                if closed:
                    first = min(closed)
                    reload = (signalled, last - first)
                    for answer in answers:
                        answer["times"] = [value - first for value in answer["times"]]
            else:
                cpu = cluster.cpu() - cpu_before
            client_cpu = swarm.cpu() - client_cpu_before
            times = sorted(value for answer in answers for value in answer["times"])
            result = {
                "caught": sum(answer["caught"] for answer in answers),
                "times": times,
                "reply_bytes": sum(answer["reply_bytes"] for answer in answers),
                "errors": {},
            }
            for answer in answers:
                for reason, count in answer["errors"].items():
                    result["errors"][reason] = result["errors"].get(reason, 0) + count
            describe(label, result, args.clients, cpu, answering, client_cpu, reload)
            result["all"] = times[-1] if len(times) == args.clients else None
            result["answering"] = answering
            result["cpu"] = cpu
            results[key] = result
        finally:
            if sender is not None:
                await sender.close()
            await swarm.stop()
    cluster.stop()
    if writer is not None:
        writer.close()
    return results


async def main(args):
    log(
        f"reconnect storm: {args.clients} clients, {args.processes} processes, {args.missed} missed"
        + ("; listening sockets held across the restart" if args.held_sockets else "")
        + (f"; {args.repeat} rounds of each drop" if args.repeat > 1 else "")
    )
    # Drop by drop: the bare server's and ours side by side in time (see the module's docstring).
    rounds = [
        argparse.Namespace(**{**vars(args), "drops": [drop], "round": number})
        for number in range(1, args.repeat + 1)
        for drop in args.drops
    ]
    results = await compare(args, one_config, rounds=rounds)
    log("\n== Summary: seconds from the drop until every client is back and caught up ==")
    for drop, server in ((drop, server) for drop in args.drops for server in args.server):
        name = f"{drop}, sockets held" if drop == "restart" and args.held_sockets else drop
        verdicts = []
        for number in range(1, args.repeat + 1):
            key = _key(drop, number, args.repeat)
            label = _key(name, number, args.repeat)
            verdicts.append(
                _summary(label, server, results[server][key], results.get("bare", {}).get(key))
            )
        if args.repeat > 1:
            log(_rounds_line(name, server, verdicts))


def _key(drop, number, repeat):
    """A round's name: the drop's alone when it runs once."""
    return drop if repeat == 1 else f"{drop} {number}/{repeat}"


def _summary(label, server, ours, bare):
    """One drop's line; returns (seconds or None, ratio or None, met)."""
    line = f"{label:>8}: {server} " + (f"{ours['all']:.2f} s" if ours["all"] else "NOT ALL BACK")
    ratio = None
    if bare and bare["all"]:
        line += f", bare {bare['all']:.2f} s"
        if ours["all"]:
            ratio = ours["all"] / bare["all"]
            line += f" → {ratio:.2f}× bare"
    failures = sum(ours["errors"].values())
    met = ours["all"] is not None and ours["all"] <= 5 and failures == 0
    goal = "≤ 5 s, 0 failures"
    if bare and bare["all"]:
        goal += ", ≤ 2× bare"
        met = met and ratio is not None and ratio <= 2
    line += f"; failures {failures}; goal {goal}: {'MET' if met else 'NOT MET'}"
    log(line)
    return ours["all"], ratio, met


def _rounds_line(name, server, verdicts):
    """The rounds of one drop together: how many met the goal, and the medians."""
    seconds = [value for value, _, _ in verdicts if value is not None]
    ratios = [ratio for _, ratio, _ in verdicts if ratio is not None]
    line = (
        f"{name:>8}: {server} met the goal in {sum(met for *_, met in verdicts)} of {len(verdicts)}"
    )
    if seconds:
        line += f"; median {statistics.median(seconds):.2f} s (range {min(seconds):.2f}–{max(seconds):.2f} s)"
    if ratios:
        line += f", median {statistics.median(ratios):.2f}× bare (range {min(ratios):.2f}–{max(ratios):.2f}×)"
    return line


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    common_arguments(parser, clients=5000)
    parser.add_argument("--missed", type=int, default=20, help="messages missed while dropped")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up after (seconds)")
    parser.add_argument(
        "--held-sockets",
        action="store_true",
        help="hold the listening sockets across the restart, as a systemd socket unit does",
    )
    parser.add_argument(
        "--reconnect-concurrency",
        type=int,
        default=0,
        help="at most this many reconnects in flight per server port during the storm (default 0: "
        "none, each client reconnects when its own backoff says, as independent browsers do; "
        "40 reproduces the figures before the sixth session of 2026-12-03)",
    )
    parser.add_argument(
        "--drops",
        type=lambda value: [drop for drop in DROPS if drop in value.split(",")],
        default=list(DROPS),
        help=f"which drops, comma-separated (default {','.join(DROPS)})",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of the drops, each bare then ours; prints each round and, over them, how many "
        "met the goal and the medians (the machine's speed drifts from minute to minute)",
    )
    arguments = parser.parse_args()
    sys.exit(run(main(arguments)))
