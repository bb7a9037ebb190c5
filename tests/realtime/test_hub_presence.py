"""How often the hub tells a session's audience its viewer count: every change for a small one,
at most every few seconds for a big one (each push goes to every socket), and always the last."""

import asyncio
import json

from treffpunkt.realtime import hub as hub_module
from treffpunkt.realtime.hub import Hub

TOPIC = "session:7"


class Store:
    """The presence store, as the hub uses it: reports in, a total out."""

    def __init__(self):
        self.total = 0

    async def report(self, topic, process, count):
        pass

    async def viewers(self, topic):
        return self.total


class Socket:
    def __init__(self, number):
        self.viewer_key = f"user:{number}"
        self.counts = []

    def deliver(self, topic, text, seq):
        self.counts.append(json.loads(text)["data"]["viewers"])


def tell(audience, totals, monkeypatch):
    """Ticks one second apart with these totals; the counts the first socket was told."""
    clock = [1000.0]
    monkeypatch.setattr(hub_module.time, "monotonic", lambda: clock[0])
    # No app hears these made-up totals (the back office would keep a peak of thousands).
    monkeypatch.setattr(hub_module, "_total_watchers", [])

    async def scenario():
        hub = Hub()
        sockets = [Socket(number) for number in range(audience)]
        for socket_ in sockets:
            await hub.join(TOPIC, socket_, counts_presence=True)
        store = Store()
        for total in totals:
            store.total = total
            await hub._tick_presence(store)
            clock[0] += 1.0
        return sockets[0].counts

    return asyncio.run(scenario())


def test_a_small_audience_hears_every_change(monkeypatch):
    assert tell(5, [5, 6, 7, 6, 6, 8], monkeypatch) == [5, 6, 7, 6, 8]


def test_a_big_audience_is_told_at_most_every_five_seconds_and_ends_with_the_true_count(
    monkeypatch,
):
    rising = [2500 + 250 * second for second in range(12)]  # 10 % more a second: a storm
    quiet = [rising[-1]] * 6

    counts = tell(2500, rising + quiet, monkeypatch)

    assert counts == [2500, 3750, 5000, 5250]
