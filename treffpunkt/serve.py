"""Serve Treffpunkt with daphne on a port that listens before the application has loaded.

    python -m treffpunkt.serve [--host 127.0.0.1] [--port 8000] [--backlog 4096] [--fd N]
        [--workers N] [--application treffpunkt.asgi:application] [-- daphne options …]

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

The process that binds stays as a small master: it loads the application once, then forks
``--workers`` daphne processes (default 1) that share the socket, and forks a replacement as soon
as one dies. The replacement has nothing to load: it answers within about 0.1 s, against about
0.7 s for a cold start on an idle machine, and its clients' reconnects wait in the queue meanwhile
(or go to the other workers). The master forwards SIGTERM and SIGINT to the workers (daphne's
graceful shutdown, treffpunkt/realtime/shutdown.py) and exits with their status once they have
stopped; a worker dies with its master (``PR_SET_PDEATHSIG``), so a killed master leaves no
worker holding the port.

SIGHUP reloads (unless it is a controlling terminal's hangup, which stops the server): a deploy
without a cold start. The master executes itself again (the same pid,
its workers still its children, the socket still at file descriptor 3), loads the code now on
disk while the running workers serve on, forks new workers, and once every one of them listens
tells the old ones to stop (SIGTERM: they stop taking connections, which queue for the new ones,
and close their websockets with "reconnect"). Their clients come back to workers that have
nothing to load, as after a crash. If the new code does not load, or its workers do not come up,
the old workers serve on and the master says so; the next SIGHUP tries again.

daphne's access log is off unless its options ask for it (``-- --access-log -`` writes it to
standard output, as daphne's default verbosity did; docs/deployment.md).
"""

import argparse
import contextlib
import ctypes
import errno
import gc
import importlib
import os
import select
import signal
import socket
import sys
import time
import traceback

APPLICATION = "treffpunkt.asgi:application"
# sd_listen_fds(3): passed sockets start at file descriptor 3.
FIRST_FD = 3
# systemd's own default for a socket unit (Backlog=): the kernel's SOMAXCONN. The kernel caps it
# at net.core.somaxconn. After a restart every client of the process reconnects at once, and a
# connect past a full queue is dropped and retried by the client's kernel only 1–3 s later.
BACKLOG = 4096
BIND_SECONDS = 5.0


def listening_socket(host, port, backlog=BACKLOG):
    """A TCP socket bound to ``host``:``port`` and listening, as daphne's own ``tcp:`` endpoint
    binds one (``SO_REUSEADDR``, so a restart binds while old connections linger)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    deadline = time.monotonic() + BIND_SECONDS
    while True:
        try:
            listener.bind((host, port))
            break
        except OSError as error:
            # Restarted at once after a crash, the port can still be held for a moment while
            # the killed processes' thousands of sockets close.
            if error.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                listener.close()
                raise
            time.sleep(0.05)
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
    """daphne's command line for ``application`` on the socket at file descriptor 3.

    Without an access log unless ``options`` ask for one (``--access-log``, or a verbosity):
    daphne's log holds every request's and websocket's client address, which is personal data that
    a public body keeps only with a reason (docs/data-protection.md); writing it is also 2 % of
    the workers' CPU in a reconnect storm (docs/performance.md)."""
    domain = "INET6" if family == socket.AF_INET6 else "INET"
    quiet = [] if asks_for_access_log(options) else ["--verbosity", "0"]
    return ["-e", f"systemd:domain={domain}:index=0", *quiet, *options, application]


def asks_for_access_log(options):
    """Whether daphne's ``options`` choose its access log or its verbosity themselves."""
    for option in options:
        name = option.split("=", 1)[0]
        if name in ("--access-log", "--verbosity") or (
            option.startswith("-v") and not option.startswith("--")
        ):
            return True
    return False


# What each worker imports anyway, loaded once in the master. Not daphne.server or daphne.cli: they
# install Twisted's reactor, and with it an event loop, which each worker needs its own of.
SERVER_MODULES = (
    "twisted.internet.asyncioreactor",
    "twisted.internet.endpoints",
    "twisted.internet.tcp",
    "twisted.web.http",
    "twisted.logger",
    "autobahn.twisted.websocket",
    "daphne.access",
    "daphne.endpoints",
    "daphne.http_protocol",
    "daphne.ws_protocol",
)
# A worker that dies this soon after its start counts as failing to start; after
# FAILED_STARTS of them in a row the master gives up, instead of forking a broken worker forever.
QUICK_EXIT_SECONDS = 1.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
RELOAD_SIGNAL = signal.SIGHUP
MASTER_SIGNALS = (*STOP_SIGNALS, RELOAD_SIGNAL)  # the master's handlers'
FAILED_STARTS = 5
# How long a reload waits for its new workers to listen before it keeps the old ones.
READY_SECONDS = 60.0


def preload(application):
    """Import ``application`` (``module:attribute``) and daphne's libraries, as each worker
    would, with the cyclic collector off; then leave what was loaded out of every later
    collection (``gc.freeze``) and turn the collector on again, for the master and the workers
    it forks.

    Loading allocates some 300,000 objects that live as long as the process, and at Python's
    default thresholds the collector walks them about 200 times meanwhile: a fifth to a third of
    the load's CPU (docs/performance.md, "The third session of 2026-12-02"), paid while the
    clients of a restarted server wait. Frozen, they are neither walked again nor written to by
    the collector, so the pages the workers share with the master stay shared. The application's
    own thresholds (settings.GC_THRESHOLD, treffpunkt/asgi.py) hold from then on.
    """
    gc.disable()
    for name in SERVER_MODULES:  # first, as under daphne's own command line
        importlib.import_module(name)
    module, _, attribute = application.partition(":")
    getattr(importlib.import_module(module), attribute)
    _load_what_a_first_request_would()
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError(
            "the application installed Twisted's reactor; the workers cannot share it"
        )
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()  # a connection is a socket: each worker opens its own
    gc.freeze()
    gc.enable()


def _load_what_a_first_request_would():
    """What each worker would otherwise load on its first connection or request: Twisted's
    endpoint plugins (daphne's ``systemd:`` endpoint string is looked up among them; they import
    some 30 modules), the URLconf with every view module, the translation catalogues, the
    template engines with their tag libraries, and the modules of the configured backends
    (``_backend_modules``). Loaded here once, a replaced worker serves at once; nothing here
    opens a connection, which a worker could not share."""
    from twisted.internet.interfaces import IStreamServerEndpointStringParser
    from twisted.plugin import getPlugins

    list(getPlugins(IStreamServerEndpointStringParser))
    if "django" in sys.modules:
        from django.conf import settings
        from django.template import engines
        from django.template.backends.django import DjangoTemplates
        from django.urls import get_resolver
        from django.utils.translation import trans_real

        get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
        for code, _name in settings.LANGUAGES:
            trans_real.translation(code)
        for engine in engines.all():  # each imports every installed tag library
            if isinstance(engine, DjangoTemplates):
                engine.engine.template_loaders  # noqa: B018 (imports its loaders)
        for name in _backend_modules(settings):
            importlib.import_module(name)


def _backend_modules(settings):
    """The modules the configured backends import on their first use in a worker, by name:
    the session engine and its serializer, the message storage, the caches, the channel layer
    (with Redis: the ``redis`` client, about 60 modules, imported when a socket first counts
    its presence) and, for a pooled PostgreSQL, ``psycopg_pool`` (imported with the first
    connection). About 0.06–0.09 s of CPU, which every replaced worker paid on its event loop
    while the reconnects of a crash waited (docs/performance.md)."""
    from django.db import connections

    classes = [settings.MESSAGE_STORAGE, settings.SESSION_SERIALIZER]
    classes += [cache["BACKEND"] for cache in settings.CACHES.values()]
    classes += [layer["BACKEND"] for layer in getattr(settings, "CHANNEL_LAYERS", {}).values()]
    names = [settings.SESSION_ENGINE] + [path.rpartition(".")[0] for path in classes]
    if getattr(settings, "REDIS_URL", ""):
        names.append("redis.asyncio")  # treffpunkt.realtime.presence
    for connection in connections.all():  # wrappers only: none connects here
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("pool"):
            names.append("psycopg_pool")
    return names


def _die_with_parent(parent):
    """Ask the kernel to kill this worker when the master dies (Linux). A master stops its
    workers gracefully itself (``Master.stop``); one that died without doing so (``kill -9``)
    takes them with it at once, as a crash of the single process it replaced would, rather than
    leaving them to drain on a socket that a restarted server (or systemd's socket unit) shares."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: a killed master's workers serve on
        pass
    if os.getppid() != parent:  # the master died before the request took effect
        os._exit(0)


class Master:
    """Forks the workers, replaces one that dies, stops them all on SIGTERM or SIGINT, and
    reloads on SIGHUP.

    ``retiring``: the workers of the code before a reload, inherited across its exec; they serve
    until the new workers listen. ``argv``: this command line, executed again by a reload."""

    def __init__(self, arguments, workers, retiring=(), argv=()):
        self.arguments = arguments
        self.count = workers
        self.workers = {}  # pid -> monotonic start
        self.retiring = set(retiring)
        self.argv = list(argv)
        self.loaded = True  # False after a reload whose code or workers did not come up
        # A SIGHUP while a reload loads and hands over waits until it has (reload_asked).
        self.handing_over = bool(self.retiring)
        self.reload_asked = False  # a SIGHUP that came while a reload was under way
        self.stopping = None  # the signal that stops the workers, once one came
        self.failed_starts = 0
        self.status = 0

    def install_signals(self):
        """Before the application loads: a reload's master has workers to stop meanwhile. A
        reload blocked the signals across its exec: what came meanwhile is handled now."""
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.stop)
        # With a controlling terminal (``make run``) SIGHUP is its hangup, and stops the server as
        # it stopped daphne; a reload would leave it serving, orphaned, once the terminal closed.
        signal.signal(RELOAD_SIGNAL, self.stop if _has_terminal() else self.reload)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, MASTER_SIGNALS)

    def spawn(self, ready=None):
        parent = os.getpid()
        # Blocked across the fork, so that the master's handlers never run in a worker and a
        # reload never executes between the fork and the worker's pid being recorded.
        signal.pthread_sigmask(signal.SIG_BLOCK, MASTER_SIGNALS)
        pid = os.fork()
        if pid:
            self.workers[pid] = time.monotonic()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, MASTER_SIGNALS)
            return
        code = 1
        try:
            for signum in MASTER_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, MASTER_SIGNALS)
            _die_with_parent(parent)
            os.environ["LISTEN_PID"] = str(os.getpid())  # the socket at fd 3 is this worker's now
            run_daphne(self.arguments, ready)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def stop(self, signum, _frame=None):
        self.stopping = signum
        for pid in [*self.workers, *self.retiring]:
            with contextlib.suppress(ProcessLookupError):  # exited meanwhile
                os.kill(pid, signum)

    def reload(self, _signum=None, _frame=None):
        """Execute this command line again, handing every worker over as retiring. Never while
        stopping; one that comes during a reload runs after it."""
        if self.stopping is not None:
            return
        if self.handing_over:
            self.reload_asked = True
            return
        print("treffpunkt.serve: reloading", flush=True)
        sys.stderr.flush()
        retiring = ",".join(str(pid) for pid in [*self.workers, *self.retiring])
        argv = [sys.executable, "-m", "treffpunkt.serve", *self.argv]
        if retiring:
            argv[3:3] = ["--retire", retiring]  # before daphne's options after ``--``
        # Twisted took LISTEN_FDS and LISTEN_PID from the environment when it parsed them.
        hand_over(FIRST_FD, os.environ.get("LISTEN_FDNAMES", "web").split(":")[0])
        # The exec resets the handlers, and a SIGHUP or SIGTERM before the new image has its own
        # would kill the master and with it every worker: blocked until then (install_signals),
        # they wait. The mask and what is pending survive the exec.
        signal.pthread_sigmask(signal.SIG_BLOCK, MASTER_SIGNALS)
        os.execv(sys.executable, argv)  # noqa: S606 (this program, with its own arguments)

    def hand_over(self):
        """After a reload: fork the new workers, and once each listens stop the old ones. A new
        worker that does not come up within READY_SECONDS fails the reload: the old workers
        serve on."""
        self.handing_over = True
        read, write = os.pipe()
        try:
            for _ in range(self.count):
                self.spawn(ready=write)
        finally:
            os.close(write)  # the workers hold it now: its end of file says they all exited
        try:
            ready = _await_ready(read, self.count, READY_SECONDS)
        finally:
            os.close(read)
        self.handing_over = False
        if self.stopping is not None:
            return
        if ready:
            print(f"treffpunkt.serve: the new workers listen; stopping the old ones ({len(self.retiring)})",
                  flush=True)  # fmt: skip
        else:
            self.keep_the_old_workers("the reload's workers did not come up")
        for pid in self.retiring:  # reaped by run(), and not replaced
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def keep_the_old_workers(self, why):
        """A failed reload: its old workers serve on, as the workers, and its new ones (if any)
        stop; none can be replaced until a reload succeeds."""
        print(f"treffpunkt.serve: {why}; the old workers serve on, and none can be replaced"
              " until a reload succeeds", flush=True)  # fmt: skip
        new, self.workers = self.workers, dict.fromkeys(self.retiring, time.monotonic())
        self.retiring = set(new)
        self.loaded = False
        self.handing_over = False

    def run(self):
        if self.stopping is None:  # else stopped while the application loaded: reap the old
            if not self.loaded:
                self.keep_the_old_workers("the reload's code did not load")
            elif self.retiring:
                self.hand_over()
        while len(self.workers) < self.count and self.loaded and self.stopping is None:
            self.spawn()
        if self.reload_asked and self.stopping is None:
            self.reload()
        while self.workers or self.retiring:
            try:
                pid, wait_status = os.wait()
            except ChildProcessError:
                break
            self.retiring.discard(pid)
            started = self.workers.pop(pid, None)
            if started is None:
                continue  # an old worker that stopped after a reload
            code = os.waitstatus_to_exitcode(wait_status)
            if self.stopping is not None:
                if code not in (0, -self.stopping):
                    self.status = code if code > 0 else 128 - code
                continue
            if not self.loaded:
                print(f"treffpunkt.serve: worker {pid} exited ({code}); none can replace it until"
                      " a reload loads", flush=True)  # fmt: skip
                if not self.workers:
                    return 1
                continue
            quick = time.monotonic() - started < QUICK_EXIT_SECONDS
            self.failed_starts = self.failed_starts + 1 if quick else 0
            print(f"treffpunkt.serve: worker {pid} exited ({code}); starting another", flush=True)
            if self.failed_starts >= FAILED_STARTS:
                print("treffpunkt.serve: workers keep failing at start; giving up", flush=True)
                self.status = 1
                self.stop(signal.SIGTERM)
                continue
            if quick:
                time.sleep(0.1 * 2**self.failed_starts)
                if self.stopping is not None:
                    continue
            self.spawn()
        return self.status


def _has_terminal():
    """Whether this process has a controlling terminal."""
    try:
        os.close(os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY))
    except OSError:
        return False
    return True


def _await_ready(fd, count, timeout):
    """Whether ``count`` bytes, one per new worker that listens, arrive on the pipe ``fd``
    within ``timeout`` seconds; its end of file first means a worker exited before."""
    received = 0
    deadline = time.monotonic() + timeout
    while received < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return False
        data = os.read(fd, 64)
        if not data:
            return False
        received += len(data)
    return True


def run_daphne(arguments, ready=None):
    """daphne's command line, in this process (a worker, with the application loaded). A byte
    goes to the pipe ``ready``, if given, once daphne listens (a reload's new worker)."""
    from daphne.cli import CommandLineInterface  # installs Twisted's reactor

    if ready is not None:
        from twisted.internet import reactor

        def listening():
            os.write(ready, b".")
            os.close(ready)

        # daphne's endpoints listen before its reactor runs.
        reactor.callWhenRunning(listening)

    # The application, loaded by the master before daphne.server existed, adapts daphne's server
    # to the gateway only now (treffpunkt/realtime/transport.py; a no-op when done already).
    transport = sys.modules.get("treffpunkt.realtime.transport")
    if transport is not None:
        transport.install()

    CommandLineInterface().run(arguments)


def positive(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {value}")
    return number


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
    parser.add_argument(
        "--workers",
        type=positive,
        default=os.environ.get("WEB_WORKERS", "1"),  # a string: argparse checks it as given
        help="daphne processes sharing the port (default: WEB_WORKERS, else 1)",
    )
    # A reload's: the workers of the code before it (Master.reload).
    parser.add_argument("--retire", type=pids, default=(), help=argparse.SUPPRESS)
    parser.add_argument("daphne_options", nargs="*", help="passed to daphne (after --)")
    return parser.parse_args(argv)


def pids(value):
    return tuple(int(pid) for pid in value.split(",") if pid)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = arguments(argv)
    if argv[:1] == ["--retire"]:
        argv = argv[2:]  # a reload puts it first, and adds its own
    # Else systemd's socket unit, or the image before a reload's exec, put it at fd 3 already.
    if not passed_by_systemd():
        if args.fd is not None:
            hand_over(args.fd)
        else:
            hand_over(listening_socket(args.host, args.port, args.backlog).detach())
    family = socket_family(FIRST_FD)
    master = Master(
        daphne_arguments(family, args.daphne_options, args.application),
        args.workers,
        retiring=args.retire,
        argv=argv,
    )
    master.install_signals()
    try:
        preload(args.application)
    except Exception:
        if not args.retire:
            raise
        traceback.print_exc()
        master.loaded = False  # the old workers serve on (Master.run)
    sys.exit(master.run())


if __name__ == "__main__":
    main()
