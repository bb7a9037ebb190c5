"""Shared trips to the database thread: many callers, one hop, and each still its own answer."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from congress.models import Session
from tests.factories import SessionFactory
from treffpunkt.db.rows import RowLoader, read_once, shared_reads
from treffpunkt.realtime.trips import shared_trip

pytestmark = [pytest.mark.django_db(transaction=True)]


class CountedQueries:
    """The statements run on the database thread's connection while installed."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


async def test_each_caller_gets_its_own_result_or_its_own_error():
    @shared_trip
    def half(number):
        if number % 3 == 0:
            raise ValueError(f"no {number}")
        return number / 2

    outcomes = await asyncio.gather(
        *(half(number) for number in range(1, 31)), return_exceptions=True
    )

    for number, outcome in zip(range(1, 31), outcomes, strict=True):
        if number % 3 == 0:
            assert isinstance(outcome, ValueError)
            assert str(outcome) == f"no {number}"
        else:
            assert outcome == number / 2


async def test_each_call_runs_in_its_callers_language():
    @shared_trip
    def word():
        return gettext("Send JSON text frames, not binary.")

    async def asking(language):
        with translation.override(language):
            return await word()

    answers = await asyncio.gather(*(asking("en" if n % 2 else "de") for n in range(20)))

    english = "Send JSON text frames, not binary."
    assert answers[1::2] == [english] * 10
    assert all(answer != english for answer in answers[::2])
    assert len(set(answers[::2])) == 1


async def test_callers_waiting_together_read_a_shared_row_once_each_with_its_own_instance():
    session = await sync_to_async(SessionFactory)()
    shared = RowLoader(Session, related=("event",), shared=True)
    unshared = RowLoader(Session, related=("event",))
    counted = CountedQueries()

    @shared_trip
    def load(loader, install=False, remove=False):
        if install:
            connection.execute_wrappers.append(counted)
        try:
            return loader.get(session.pk)
        finally:
            if remove:
                connection.execute_wrappers.remove(counted)

    async def twenty(loader):
        calls = [load(loader, install=True)]
        calls += [load(loader) for _ in range(18)]
        calls.append(load(loader, remove=True))
        return await asyncio.gather(*calls)

    loaded = await twenty(shared)
    shared_reads_run = len(counted.statements)
    counted.statements.clear()
    separately = await twenty(unshared)

    assert {row.pk for row in loaded} == {session.pk}
    assert {row.event.name for row in loaded} == {session.event.name}
    assert len({id(row) for row in loaded}) == 20  # nobody's changes reach another caller
    assert shared_reads_run == 1
    assert len(counted.statements) == 20
    assert [row.pk for row in separately] == [row.pk for row in loaded]


def test_outside_a_shared_block_every_read_runs():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    assert [read_once("key", read) for _ in range(3)] == [1, 2, 3]
    with shared_reads():
        assert [read_once("key", read) for _ in range(3)] == [4, 4, 4]
    assert read_once("key", read) == 5


async def test_a_cancelled_caller_leaves_the_others_their_answers():
    @shared_trip
    def slow(number):
        return number * 10

    first = asyncio.ensure_future(slow(1))
    doomed = asyncio.ensure_future(slow(2))
    last = asyncio.ensure_future(slow(3))
    await asyncio.sleep(0)  # all three wait for the same trip
    doomed.cancel()

    assert await first == 10
    assert await last == 30
    with pytest.raises(asyncio.CancelledError):
        await doomed


async def test_a_failed_hop_fails_its_callers_and_those_waiting_behind_it_still_go(monkeypatch):
    from channels import db as channels_db

    @shared_trip
    def double(number):
        return number * 2

    failures = ["the database thread could not start the trip"]

    def close_old_connections():
        if failures:
            raise RuntimeError(failures.pop())

    monkeypatch.setattr(channels_db, "close_old_connections", close_old_connections)

    failing = asyncio.ensure_future(double(1))
    for _turn in range(3):  # its trip is on the way
        await asyncio.sleep(0)
    waiting = asyncio.ensure_future(double(2))  # comes while that trip is out

    outcomes = await asyncio.wait_for(
        asyncio.gather(failing, waiting, return_exceptions=True), timeout=5
    )

    assert type(outcomes[0]) is RuntimeError
    assert outcomes[1] == 4
