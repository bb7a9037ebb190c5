"""Subscribing to a session records its unique viewers and peak for the organizer's report."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from backoffice.models import SessionPeak, SessionViewer

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_viewer_memory():
    from backoffice.viewers import forget_recorded

    forget_recorded()


def viewers_of(session):
    rows = SessionViewer.objects.filter(session=session)
    peak = SessionPeak.objects.filter(session=session).values_list("peak", flat=True).first()
    return rows.count(), peak, list(rows.values_list("viewer", flat=True))


async def test_subscribers_are_recorded_once_each_without_names(connect, people, live_session):
    topic = {"topic": f"session:{live_session.pk}"}
    anna = await connect(people["anna"])
    assert (await anna.request("subscribe", topic))["ok"]
    anna_again = await connect(people["anna"])
    assert (await anna_again.request("subscribe", topic))["ok"]
    ben = await connect(people["ben"])
    assert (await ben.request("subscribe", topic))["ok"]
    guest = await connect(None)
    assert (await guest.request("subscribe", topic))["ok"]

    # The first subscribe writes at once; those within the next second are written together at
    # the hub's next tick.
    for _attempt in range(40):
        count, peak, keys = await sync_to_async(viewers_of)(live_session)
        if (count, peak) == (3, 3):
            break
        await asyncio.sleep(0.1)

    assert (count, peak) == (3, 3)
    writes_before = await sync_to_async(SessionViewer.objects.count)()
    again = await connect(people["ben"])
    assert (await again.request("subscribe", topic))["ok"]
    assert await sync_to_async(SessionViewer.objects.count)() == writes_before
    await again.close()
    assert all(len(key) == 64 and "anna" not in key for key in keys)
    for client in (anna, anna_again, ben, guest):
        await client.close()


async def test_an_import_that_moves_a_talk_pushes_programme_changed(connect):
    """The live half of the import: a subscriber of event:<slug> sees the move and the cancel."""
    from tests.backoffice.conftest import democon
    from tests.backoffice.test_import import moved_and_removed, run_import

    def arrange():
        from datetime import date

        from congress.models import Registration
        from tests.factories import EventFactory, RegistrationFactory, UserFactory

        event = EventFactory(
            slug="democon", acronym="democon", start_date=date(2020, 12, 14),
            end_date=date(2020, 12, 16),
        )  # fmt: skip
        event.organizer = UserFactory(username="orga")
        RegistrationFactory(event=event, user=event.organizer, role=Registration.Role.ORGANIZER)
        run_import(event, democon())
        return event

    event = await sync_to_async(arrange)()
    document, moved, removed = moved_and_removed()
    watcher = await connect(None)
    assert (await watcher.request("subscribe", {"topic": "event:democon"}))["ok"]

    await sync_to_async(run_import)(event, document)

    first = await watcher.push("programme.changed")
    second = await watcher.push("programme.changed")
    assert (first["data"]["action"], first["data"]["session"]["guid"]) == ("moved", moved["guid"])
    assert first["data"]["session"]["room"] is not None
    assert (second["data"]["action"], second["data"]["session"]["guid"]) == (
        "cancelled",
        removed["guid"],
    )
    await watcher.close()
