"""Subscribing to a session records its unique viewers and peak for the organizer's report."""

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

    count, peak, keys = await sync_to_async(viewers_of)(live_session)

    assert (count, peak) == (3, 3)
    writes_before = await sync_to_async(SessionViewer.objects.count)()
    again = await connect(people["ben"])
    assert (await again.request("subscribe", topic))["ok"]
    assert await sync_to_async(SessionViewer.objects.count)() == writes_before
    await again.close()
    assert all(len(key) == 64 and "anna" not in key for key in keys)
    for client in (anna, anna_again, ben, guest):
        await client.close()
