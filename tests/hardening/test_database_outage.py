"""PostgreSQL stops under a real daphne process: 503, then full recovery without a 500.

The answer times are printed, not asserted (speed goals live in benchmarks/faults.py).

Own PostgreSQL instance on a free port (tests/faults.py), stopped and started by the test.
"""

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests import faults
from tests.conftest import skip_or_fail
from tests.servers import ROOT, daphne_processes

pytestmark = pytest.mark.multiprocess


def get(url, timeout=10):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), time.monotonic() - started


def test_postgres_down_answers_503_fast_and_recovers_without_500(tmp_path):
    if not faults.available():
        skip_or_fail("PostgreSQL 15 binaries or redis-server are not installed")
    with faults.throwaway_services(redis=False) as (postgres, _redis):
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "DATABASE_URL": postgres.url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        }
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        with daphne_processes(env, 1, tmp_path / "daphne.log") as (url,):
            api = f"{url}/api/v1/events/"
            assert [get(api)[0] for _ in range(5)] == [200] * 5  # the pool holds connections

            postgres.stop("immediate")
            down = [get(api) for _ in range(3)] + [get(f"{url}/health/")]

            postgres.start()
            started = time.monotonic()
            statuses = []
            while time.monotonic() - started < 8:
                statuses.append(get(api)[0])
                if statuses[-5:] == [200] * 5:
                    break
            recovered_after = time.monotonic() - started
            after = [get(api)[0] for _ in range(20)]

    assert [status for status, _headers, _seconds in down] == [503, 503, 503, 503]
    assert all(headers.get("Retry-After") == "5" for _status, headers, _seconds in down)
    assert 500 not in statuses
    assert after == [200] * 20
    print(f"503 answers in at most {max(s for *_r, s in down):.2f} s; "
          f"recovered {recovered_after:.2f} s after PostgreSQL started")  # fmt: skip
