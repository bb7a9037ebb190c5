"""The programme's time grid, filters and "now"/"next" (web/views/programme_grid.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from congress.models import Favourite
from tests.factories import RoomFactory, SessionFactory, TrackFactory, at

pytestmark = pytest.mark.django_db


def programme(client, event, query=""):
    return client.get(f"/events/{event.slug}/{query}")


@pytest.fixture
def day(event):
    hall = RoomFactory(event=event, name="Saal 1", position=0)
    forum = RoomFactory(event=event, name="Forum", position=1)
    data = TrackFactory(event=event, name="Daten")
    sessions = {
        "keynote": SessionFactory(
            event=event, room=hall, kind="keynote", title="Eröffnung", track=data,
            start=at(event, 9), end=at(event, 10),
        ),
        "break": SessionFactory(
            event=event, room=None, kind="break", title="Mittagspause",
            start=at(event, 12), end=at(event, 13),
        ),
        "workshop": SessionFactory(
            event=event, room=forum, kind="workshop", title="Werkstatt", language="en",
            start=at(event, 9, 30), end=at(event, 11),
        ),
    }  # fmt: skip
    return {"hall": hall, "forum": forum, "track": data, **sessions}


def cards(response):
    return {
        entry.session.title: (entry.row_start, entry.row_end, column.grid_column, entry.spans_all)
        for day in response.context["days"]
        for column in day.columns
        for entry in column.entries
    }


def test_grid_rows_are_five_minutes_from_the_first_hour_and_breaks_span(client, event, day):
    response = programme(client, event)

    first = response.context["days"][0]
    assert first.grid["start"] == at(event, 9)
    assert [hour["row"] for hour in first.grid["hours"]] == [2, 14, 26, 38]
    assert cards(response) == {
        "Eröffnung": (2, 14, 2, False),
        "Werkstatt": (8, 26, 3, False),
        "Mittagspause": (38, 50, 4, True),
    }
    html = response.content.decode()
    assert "--row-start: 2; --row-end: 14" in html
    assert 'class="rooms rooms--timeline"' in html


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?kind=workshop", {"Werkstatt"}),
        ("?language=en", {"Werkstatt"}),
        ("?kind=break", {"Mittagspause"}),
        ("", {"Eröffnung", "Werkstatt", "Mittagspause"}),
    ],
)
def test_filters(client, event, day, query, titles):
    assert set(cards(programme(client, event, query))) == titles


def test_track_and_favourite_filters(client, event, day, attendee):
    Favourite.objects.create(user=attendee, session=day["workshop"])
    client.force_login(attendee)

    by_track = cards(programme(client, event, f"?track={day['track'].pk}"))
    favourites = cards(programme(client, event, "?favourites=1"))

    assert (set(by_track), set(favourites)) == ({"Eröffnung"}, {"Werkstatt"})


def test_now_and_next(client, event):
    now = timezone.now()
    event.start_date = timezone.localdate()
    event.end_date = event.start_date + timedelta(days=1)
    event.save()
    running = SessionFactory(
        event=event, start=now - timedelta(minutes=5), end=now + timedelta(minutes=30)
    )
    soon = SessionFactory(event=event, start=now + timedelta(hours=1), end=now + timedelta(hours=2))
    SessionFactory(event=event, start=now + timedelta(hours=3), end=now + timedelta(hours=4))

    response = programme(client, event)

    assert (response.context["running"], response.context["upcoming"]) == ([running], [soon])


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("de", ["Programm filtern", "Alle Tracks", "Alle Arten", "Alle Sprachen", "Nur meine Favoriten", "Filtern", "Jetzt und als Nächstes", "Als Nächstes"]),
        ("en", ["Filter the programme", "All tracks", "All kinds", "All languages", "Only my favourites", "Filter", "Now and next", "Up next"]),
    ],
)  # fmt: skip
def test_filters_and_now_next_speak_the_page_language(
    client, event, day, attendee, language, labels
):
    now = timezone.now()
    event.start_date = timezone.localdate()
    event.end_date = event.start_date + timedelta(days=1)
    event.save()
    SessionFactory(event=event, start=now + timedelta(hours=1), end=now + timedelta(hours=2))
    client.force_login(attendee)

    page = client.get(f"/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert [label for label in labels if label not in page] == []
