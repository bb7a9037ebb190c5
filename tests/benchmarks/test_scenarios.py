"""The keynote benchmark scenarios run end to end at a tiny scale and print their figures.

Only that they work is checked (every client connected, nothing lost, the summary printed); the
figures themselves belong in docs/performance.md, never in an assertion.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCENARIOS = {
    "reconnect_storm": (
        ["--clients", "6", "--processes", "2", "--missed", "3", "--timeout", "60", "--repeat", "2"],
        [
            "[daphne, restart 2/2]: back 6/6",
            "[daphne, reload 2/2]: back 6/6",
            "[daphne, network 2/2]: back 6/6",
            "failures 0",
            "restart: daphne met the goal in",
        ],
    ),
    "chat_storm": (
        [
            "--clients",
            "6",
            "--senders",
            "3",
            "--messages",
            "2",
            "--window",
            "2",
            "--drain",
            "3",
            "--processes",
            "2",
        ],
        ["[daphne] sent 6, accepted 6", "lost 0, false rate_limited 0"],
    ),  # fmt: skip
    "reaction_storm": (
        ["--clients", "6", "--rate", "10", "--duration", "2", "--processes", "1"],
        ["[daphne] sent 20 reactions, acknowledged 20"],
    ),
    "page_rush": (
        ["--clients", "4", "--seconds", "1", "--processes", "1"],
        ['programme page   |     4 | {"200": 4}', 'session page     |     4 | {"200": 4}'],
    ),
    "memory": (
        ["--clients", "20"],
        ["[daphne] 20/20 idle subscribed sockets", "per 1,000 idle sockets"],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_runs_and_prints_its_figures(name, database_templates, tmp_path):
    arguments, expected = SCENARIOS[name]
    database_url = database_templates.sqlite_url(tmp_path)  # migrated already: no waiting
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL"}}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *arguments,
         "--database-url", database_url, "--client-procs", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for line in expected:
        assert line in output, output
    assert "Traceback" not in output, output
