"""Serve Treffpunkt with daphne on a port that listens before the application has loaded.

    python -m treffpunkt.serve [--host 127.0.0.1] [--port 8000] [--backlog 4096] [--fd N]
        [--application treffpunkt.asgi:application] [-- daphne options …]

daphne imports the application before it binds its port: Django, DRF and every app, about a
second of CPU on the 2-core reference machine (docs/performance.md). A restarted process refuses
every connect in that second, and each refused client backs off (web/static/web/lib/socket.js),
so after a crash or a deploy thousands of clients come back later than the process could serve
them. Here the port is bound first, with the standard library alone, and put where systemd puts
a socket unit's socket (sd_listen_fds(3)): file descriptor 3, with ``LISTEN_FDS``,
``LISTEN_FDNAMES`` and ``LISTEN_PID`` set. Then daphne's own command line runs in this process
and takes that socket. Meanwhile the kernel accepts the connects into the socket's queue, up to
the backlog, and daphne answers them as soon as it is ready.

``--fd N`` serves on an inherited socket that listens already (the suite's and the benchmarks'
held sockets). Under systemd with a socket unit (``LISTEN_FDS`` set for this process) daphne takes
the unit's socket, and ``--host``, ``--port`` and ``--backlog`` are ignored.
"""

import argparse
import gc
import os
import socket

APPLICATION = "treffpunkt.asgi:application"
# sd_listen_fds(3): passed sockets start at file descriptor 3.
FIRST_FD = 3
# systemd's own default for a socket unit (Backlog=): the kernel's SOMAXCONN. The kernel caps it
# at net.core.somaxconn. After a restart every client of the process reconnects at once, and a
# connect past a full queue is dropped and retried by the client's kernel only 1–3 s later.
BACKLOG = 4096


def listening_socket(host, port, backlog=BACKLOG):
    """A TCP socket bound to ``host``:``port`` and listening, as daphne's own ``tcp:`` endpoint
    binds one (``SO_REUSEADDR``, so a restart binds while old connections linger)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(backlog)
    return listener


def passed_by_systemd():
    """Whether systemd passed this process a socket (LISTEN_PID is its pid, LISTEN_FDS ≥ 1)."""
    return (
        os.environ.get("LISTEN_PID") == str(os.getpid())
        and os.environ.get("LISTEN_FDS", "0") != "0"
    )


def hand_over(fd, name="web"):
    """Put the listening socket ``fd`` where systemd puts a socket unit's: file descriptor 3
    (inheritable), with ``LISTEN_FDS=1``, ``LISTEN_FDNAMES`` and ``LISTEN_PID`` naming this
    process, which an exec keeps."""
    if fd != FIRST_FD:
        os.dup2(fd, FIRST_FD)
        os.close(fd)
    else:
        os.set_inheritable(FIRST_FD, True)
    os.environ.update(LISTEN_FDS="1", LISTEN_FDNAMES=name, LISTEN_PID=str(os.getpid()))


def socket_family(fd):
    """The address family of the socket ``fd`` (IPv4 or IPv6), which daphne's endpoint names."""
    probe = socket.socket(fileno=fd)
    try:
        return probe.family
    finally:
        probe.detach()  # the descriptor stays open


def daphne_arguments(family, options=(), application=APPLICATION):
    """daphne's command line for ``application`` on the socket at file descriptor 3."""
    domain = "INET6" if family == socket.AF_INET6 else "INET"
    return ["-e", f"systemd:domain={domain}:index=0", *options, application]


def run_daphne(arguments):
    """daphne's command line, in this process, with the cyclic collector off until the
    application has loaded.

    Loading allocates some 300,000 objects that live as long as the process, and at Python's
    default thresholds the collector walks them about 200 times meanwhile: a fifth to a third of
    the load's CPU (docs/performance.md, "The third session of 2026-12-02"), paid while the
    clients of a restarted process wait. The application's own thresholds (settings.GC_THRESHOLD,
    treffpunkt/asgi.py) hold from then on.
    """
    gc.disable()
    from daphne.cli import CommandLineInterface
    from daphne.server import Server

    class LoadedServer(Server):
        def run(self):
            gc.enable()  # daphne constructs its server once the application is imported
            super().run()

    interface = CommandLineInterface()
    interface.server_class = LoadedServer
    interface.run(arguments)


def arguments(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m treffpunkt.serve", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--backlog", type=int, default=BACKLOG, help=f"listen queue (default {BACKLOG})"
    )
    parser.add_argument("--fd", type=int, help="serve on this inherited listening socket instead")
    parser.add_argument(
        "--application", default=APPLICATION, help=f"ASGI application (default {APPLICATION})"
    )
    parser.add_argument("daphne_options", nargs="*", help="passed to daphne (after --)")
    return parser.parse_args(argv)


def main(argv=None):
    args = arguments(argv)
    if not passed_by_systemd():  # else the unit's socket is at file descriptor 3 already
        if args.fd is not None:
            hand_over(args.fd)
        else:
            hand_over(listening_socket(args.host, args.port, args.backlog).detach())
    family = socket_family(FIRST_FD)
    run_daphne(daphne_arguments(family, args.daphne_options, args.application))


if __name__ == "__main__":
    main()
