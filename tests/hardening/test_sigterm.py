"""SIGTERM closes every socket with 4012 ("reconnect") and the process stops within the deadline."""

import asyncio
import json
import signal
import subprocess
import time

import pytest

from tests.servers import ROOT, free_port, server_command, sqlite_env

pytestmark = pytest.mark.multiprocess


async def open_sockets(port, count):
    import websockets

    sockets = []
    for number in range(count):
        ws = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/", origin=f"http://127.0.0.1:{port}"
        )
        json.loads(await ws.recv())  # hello
        await ws.send(json.dumps({"id": number, "type": "ping", "data": {}}))
        json.loads(await ws.recv())
        sockets.append(ws)
    return sockets


async def close_codes(sockets, timeout):
    import websockets

    async def code_of(ws):
        try:
            while True:
                await ws.recv()
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else 1006

    return await asyncio.wait_for(asyncio.gather(*(code_of(ws) for ws in sockets)), timeout)


def test_sigterm_closes_sockets_with_4012_and_exits(database_templates, tmp_path):
    env = {**sqlite_env(tmp_path, database_templates.sqlite_url(tmp_path)),
           "REALTIME_DRAIN_SECONDS": "3"}  # fmt: skip
    port = free_port()
    with (tmp_path / "daphne.log").open("wb") as log:
        process = subprocess.Popen(
            server_command(port), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            from tests.servers import _wait_until_serving

            _wait_until_serving(f"http://127.0.0.1:{port}", process)

            async def scenario():
                sockets = await open_sockets(port, 5)
                started = time.monotonic()
                process.send_signal(signal.SIGTERM)
                codes = await close_codes(sockets, timeout=10)
                return codes, time.monotonic() - started

            codes, seconds = asyncio.run(scenario())
            exit_code = process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    assert codes == [4012] * 5
    assert seconds < 3
    assert exit_code in (0, -signal.SIGTERM, 1)
