"""The programme rules in ``check_session``: raised for every edit, returned for an import."""

import pytest

from congress import services
from congress.models import Session
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(event):
    """Saal 1 (50 seats) booked 11–12 by "Eröffnung" with Jana Weber, who also speaks 11:30–12:30
    in Saal 2 in "Podium"."""
    saal = RoomFactory(event=event, name="Saal 1", capacity=50)
    jana = SpeakerFactory(event=event, name="Jana Weber")
    SessionFactory(
        event=event, room=saal, title="Eröffnung", start=at(event, 11), end=at(event, 12),
        speakers=[jana],
    )  # fmt: skip
    SessionFactory(
        event=event, room=RoomFactory(event=event, name="Saal 2"), title="Podium",
        start=at(event, 11, 30), end=at(event, 12, 30), speakers=[jana],
    )  # fmt: skip
    return {"saal": saal, "jana": jana}


def slot(event, busy, **changes):
    return {
        "session_id": None,
        "start": at(event, 11, 15),
        "end": at(event, 12, 15),
        "room": busy["saal"],
        "speakers": [busy["jana"]],
        "capacity": 80,
        "state": Session.State.SCHEDULED,
        **changes,
    }


def test_check_session_returns_every_conflict_when_asked(event, busy):
    found = services.check_session(event, **slot(event, busy), conflicts="return")

    assert [(error.code, error.message) for error in found] == [
        ("capacity_above_room", "Die Kapazität (80) übersteigt die Kapazität des Raums (50)."),
        (
            "room_double_booked",
            "Raum Saal 1 ist von 10.06.2026 11:00 bis 10.06.2026 12:00 bereits durch "
            "„Eröffnung“ belegt.",
        ),
        (
            "speaker_double_booked",
            "Jana Weber spricht bereits von 10.06.2026 11:00 bis 10.06.2026 12:00 in „Eröffnung“.",
        ),
        (
            "speaker_double_booked",
            "Jana Weber spricht bereits von 10.06.2026 11:30 bis 10.06.2026 12:30 in „Podium“.",
        ),
    ]


def test_check_session_raises_the_first_conflict_by_default(event, busy):
    with pytest.raises(services.ProgrammeError) as refused:
        services.check_session(event, **slot(event, busy))

    assert (refused.value.code, refused.value.field) == ("capacity_above_room", "capacity")


def test_check_session_returns_nothing_for_a_free_slot(event, busy):
    free = slot(event, busy, start=at(event, 14), end=at(event, 15), capacity=None)

    assert services.check_session(event, **free, conflicts="return") == []


def test_a_slot_outside_the_event_raises_even_when_conflicts_are_returned(event, busy):
    late = slot(event, busy, start=at(event, 11, day=9), end=at(event, 12, day=9))

    with pytest.raises(services.ProgrammeError) as refused:
        services.check_session(event, **late, conflicts="return")

    assert refused.value.code == "outside_event"


def test_create_session_keeps_a_conflicting_session_only_when_allowed(event, organizer, busy):
    fields = {
        "title": "Nachgereicht",
        "start": at(event, 11, 15),
        "end": at(event, 12, 15),
        "room": busy["saal"],
        "speakers": [busy["jana"]],
    }
    with pytest.raises(services.ProgrammeError):
        services.create_session(user=organizer, event=event, **fields)
    assert Session.objects.filter(title="Nachgereicht").count() == 0

    services.create_session(user=organizer, event=event, allow_conflicts=True, **fields)

    assert Session.objects.filter(title="Nachgereicht").count() == 1
