"""Programme releases: diffs, the REST routes, feeds, exports' version, pushes, "what changed"."""

import json

import pytest
from lxml import etree

from backoffice import releases
from backoffice.models import Release
from congress import services
from congress.models import Favourite, Registration
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    at,
)
from treffpunkt.models import TopicEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    event = EventFactory(slug="kongress")
    organizer = UserFactory(username="orga")
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    saal, foyer = RoomFactory(event=event, name="Saal"), RoomFactory(event=event, name="Foyer")
    weber, yilmaz = (
        SpeakerFactory(event=event, name="Weber"),
        SpeakerFactory(event=event, name="Yilmaz"),
    )
    sessions = {
        name: SessionFactory(
            event=event, title=title, room=saal, start=at(event, hour), end=at(event, hour, 45),
            speakers=[weber],
        )
        for name, title, hour in (("a", "Auftakt", 9), ("b", "Bauen", 10), ("c", "Chancen", 11),
                                  ("d", "Daten", 12))
    }  # fmt: skip
    return event, organizer, sessions, foyer, yilmaz


def change_everything(event, organizer, sessions, foyer, yilmaz):
    services.update_session(sessions["a"], user=organizer, room=foyer)
    services.set_session_state(
        sessions["b"], user=organizer, state="cancelled", note="Entfällt wegen Krankheit."
    )
    services.update_session(sessions["c"], user=organizer, speakers=[yilmaz])
    services.update_session(sessions["d"], user=organizer, title="Daten teilen")
    return services.create_session(
        user=organizer, event=event, title="Extra", room=foyer, start=at(event, 15),
        end=at(event, 16),
    )  # fmt: skip


def test_release_diff_names_each_kind_of_change(programme):
    event, organizer, sessions, foyer, yilmaz = programme
    first = releases.publish_release(event, user=organizer, version="v1")
    extra = change_everything(event, organizer, sessions, foyer, yilmaz)

    second = releases.publish_release(event, user=organizer, version="v2", note="Umbau")

    assert releases.summary_of(first.diff) == {
        "added": 4, "moved": 0, "cancelled": 0, "speakers_changed": 0, "retitled": 0,
    }  # fmt: skip
    diff = second.diff
    assert [(e["title"], e["room"]) for e in diff["added"]] == [("Extra", "Foyer")]
    assert [(e["id"], e["from"]["room"], e["to"]["room"]) for e in diff["moved"]] == [
        (sessions["a"].pk, "Saal", "Foyer")
    ]
    assert [(e["id"], e["note"]) for e in diff["cancelled"]] == [
        (sessions["b"].pk, "Entfällt wegen Krankheit.")
    ]
    assert [(e["from"], e["to"]) for e in diff["speakers_changed"]] == [(["Weber"], ["Yilmaz"])]
    assert [(e["from"], e["to"]) for e in diff["retitled"]] == [("Daten", "Daten teilen")]
    assert extra.pk == diff["added"][0]["id"]


def test_publishing_pushes_and_tags_the_exports(client, programme):
    event, organizer, *_rest = programme

    releases.publish_release(event, user=organizer, version="2026-06-01", note="Erste Fassung")

    push = TopicEvent.objects.filter(topic="event:kongress").order_by("-pk").first()
    assert push.type == "programme.released"
    assert push.data["version"] == "2026-06-01"
    assert push.data["summary"]["added"] == 4
    body = json.loads(client.get("/api/v1/events/kongress/schedule.json").content)
    assert body["schedule"]["version"] == "2026-06-01"
    xml = etree.fromstring(client.get("/api/v1/events/kongress/schedule.xml").content)
    assert xml.findtext("version") == "2026-06-01"

    services.update_session(programme[2]["a"], user=organizer, title="Neu")

    body = json.loads(client.get("/api/v1/events/kongress/schedule.json").content)
    assert body["schedule"]["version"] == "2026-06-01+1"


def test_release_routes(as_user, client, programme):
    event, organizer, *_rest = programme

    created = as_user(organizer).post(
        "/api/v1/events/kongress/releases/", {"version": "v1", "note": "Los"}, format="json"
    )
    again = as_user(organizer).post(
        "/api/v1/events/kongress/releases/", {"version": "v1"}, format="json"
    )
    listed = client.get("/api/v1/events/kongress/releases/")
    detail = client.get("/api/v1/events/kongress/releases/v1/")

    assert created.status_code == 201
    assert created.json()["summary"]["added"] == 4
    assert again.status_code == 409
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["version"] == "v1"
    assert detail.json()["note"] == "Los"
    assert client.get("/api/v1/events/kongress/releases/v9/").status_code == 404
    assert Release.objects.count() == 1


def test_release_feeds(client, programme):
    event, organizer, *_rest = programme
    releases.publish_release(event, user=organizer, version="v1", note="Erste Fassung")

    atom = client.get("/api/v1/events/kongress/releases.atom")
    rss = client.get("/api/v1/events/kongress/releases.rss")

    assert atom.status_code == rss.status_code == 200
    entry = etree.fromstring(atom.content).find("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == "v1"
    assert "Erste Fassung" in entry.findtext("{http://www.w3.org/2005/Atom}summary")
    assert etree.fromstring(rss.content).findtext("channel/item/title") == "v1"


def test_hidden_event_has_no_releases(client, programme):
    event, organizer, *_rest = programme
    event.is_published = False
    event.save()

    assert client.get("/api/v1/events/kongress/releases/").status_code == 404
    assert client.get("/api/v1/events/kongress/releases.atom").status_code == 404


def test_changes_since_last_visit_put_favourites_first(as_user, client, programme):
    event, organizer, sessions, foyer, yilmaz = programme
    attendee = UserFactory(username="anna")
    RegistrationFactory(event=event, user=attendee)
    Favourite.objects.create(user=attendee, session=sessions["d"])
    releases.publish_release(event, user=organizer, version="v1")
    client.force_login(attendee)
    client.get("/events/kongress/changes/")  # the first visit: marks v1 as seen
    change_everything(event, organizer, sessions, foyer, yilmaz)
    releases.publish_release(event, user=organizer, version="v2")

    api = as_user(attendee).get("/api/v1/events/kongress/changes/").json()
    page = client.get("/events/kongress/changes/")
    after = as_user(attendee).get("/api/v1/events/kongress/changes/").json()

    assert [r["version"] for r in api["releases"]] == ["v2"]
    assert [(c["kind"], c["title"], c["favourite"]) for c in api["changes"]] == [
        ("retitled", "Daten teilen", True),
        ("added", "Extra", False),
        ("moved", "Auftakt", False),
        ("cancelled", "Bauen", False),
        ("speakers_changed", "Chancen", False),
    ]
    assert page.status_code == 200
    html = page.content.decode()
    assert "Was hat sich geändert?" in html
    assert html.index("Daten teilen") < html.index("Extra")
    assert "Entfällt wegen Krankheit." in html
    assert after["changes"] == []


def test_programme_page_links_to_the_changes_after_a_release(client, programme):
    event, organizer, *_rest = programme
    releases.publish_release(event, user=organizer, version="v1")
    client.force_login(organizer)

    html = client.get("/events/kongress/").content.decode()

    assert "/events/kongress/changes/" in html


@pytest.mark.parametrize("count", [1, 3])
def test_release_list_queries_do_not_grow_with_releases(
    client, programme, count, django_assert_num_queries
):
    event, organizer, *_rest = programme
    for n in range(count):
        releases.publish_release(event, user=organizer, version=f"v{n}")

    with django_assert_num_queries(3):  # event, count, page
        response = client.get("/api/v1/events/kongress/releases/")

    assert response.json()["count"] == count
