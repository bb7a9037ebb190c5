"""The project's ASGI application behind a gate: its import waits until the file named by
``TREFFPUNKT_TEST_GATE`` exists, so a test knows the application has not loaded before it opens
the gate (tests/hardening/test_serve.py). With a file ``<gate>.broken`` beside it, the import fails
after the gate: code that does not load, for a reload to survive."""

import os
import time
from pathlib import Path

_gate = Path(os.environ["TREFFPUNKT_TEST_GATE"])
while not _gate.exists():
    time.sleep(0.02)
if _gate.with_name(_gate.name + ".broken").exists():
    raise ImportError("this application is broken on purpose")

from treffpunkt.asgi import application  # noqa: E402

__all__ = ["application"]
