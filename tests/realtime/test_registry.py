"""The handler decorator: loader and rule run before the function; a type shared by topic kind."""

import pytest

from treffpunkt.access import _rules
from treffpunkt.errors import AccessDenied, NotFound
from treffpunkt.realtime import registry
from treffpunkt.realtime.registry import RealtimeError, handler


class FakeContext:
    def __init__(self, user=None, topics=()):
        self.user = user
        self.topics = set(topics)
        self.reused = {}

    def require_subscribed(self, topic):
        if topic not in self.topics:
            raise RealtimeError("not_subscribed", "Subscribe first.")


@pytest.fixture
def scratch_registry(monkeypatch):
    """Register test handlers and rules without leaving them behind."""
    monkeypatch.setattr(registry, "_handlers", {})
    monkeypatch.setitem(_rules, "test.even", lambda user, number: number % 2 == 0)


def load_number(ctx, data):
    if data["number"] < 0:
        raise NotFound()
    return data["number"]


# The database thread closes stale connections around every call, so the tests may use it.
@pytest.mark.django_db(transaction=True)
async def test_sync_handler_gets_the_loaded_object_after_the_rule(scratch_registry):
    calls = []

    @handler("test.half", load=load_number, rule="test.even")
    def half(ctx, data, number):
        calls.append(number)
        return {"half": number // 2}

    run = registry.get_handler("test.half").function
    assert await run(FakeContext(), {"number": 4}) == {"half": 2}
    with pytest.raises(AccessDenied):
        await run(FakeContext(), {"number": 3})
    with pytest.raises(NotFound):
        await run(FakeContext(), {"number": -2})
    assert calls == [4]


@pytest.mark.django_db(transaction=True)
async def test_async_handler_and_subscription_check(scratch_registry):
    @handler("test.echo", load=load_number, subscribed=True)
    async def echo(ctx, data, number):
        return {"number": number}

    run = registry.get_handler("test.echo").function
    with pytest.raises(RealtimeError) as refused:
        await run(FakeContext(), {"topic": "room:1", "number": 1})
    assert refused.value.code == "not_subscribed"
    assert await run(FakeContext(topics=["room:1"]), {"topic": "room:1", "number": 1}) == {
        "number": 1
    }


@pytest.mark.django_db(transaction=True)
async def test_reuse_for_loads_and_checks_once_per_socket_and_topic(scratch_registry):
    """Frequent requests (reactions) skip the database trip; a refusal is never reused."""
    loads = []

    def load_counting(ctx, data):
        loads.append(data["topic"])
        return data["number"]

    @handler("test.react", load=load_counting, rule="test.even", subscribed=True, reuse_for=60)
    async def react(ctx, data, number):
        return {"number": number}

    run = registry.get_handler("test.react").function
    socket = FakeContext(topics=["room:1", "room:2"])
    with pytest.raises(AccessDenied):
        await run(socket, {"topic": "room:1", "number": 3})
    for _ in range(3):
        assert await run(socket, {"topic": "room:1", "number": 2}) == {"number": 2}
    assert await run(socket, {"topic": "room:2", "number": 4}) == {"number": 4}
    other_socket = FakeContext(topics=["room:1"])
    assert await run(other_socket, {"topic": "room:1", "number": 2}) == {"number": 2}
    assert loads == ["room:1", "room:1", "room:2", "room:1"]


def test_shared_type_goes_by_topic_kind(scratch_registry):
    @handler("test.say")
    async def say_anywhere(ctx, data):
        return {}

    @handler("test.say", topic="room")
    async def say_in_room(ctx, data):
        return {}

    assert registry.get_handler("test.say", {"topic": "room:1"}).function is not (
        registry.get_handler("test.say", {"topic": "hall:1"}).function
    )
    assert registry.get_handler("test.say", {"topic": "hall:1"}) is registry.get_handler(
        "test.say", {}
    )
    assert registry.handler_types() == ["test.say"]


def test_a_rule_needs_a_loader_and_a_route_registers_once(scratch_registry):
    with pytest.raises(ValueError):
        handler("test.bad", rule="test.even")
    handler("test.once")(lambda ctx, data: {})
    with pytest.raises(RuntimeError):
        handler("test.once")(lambda ctx, data: {})
