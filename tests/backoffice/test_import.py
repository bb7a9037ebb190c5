"""Import of pretalx/frab schedules: round trip, idempotence, moves and removals, dry runs."""

import io
import json
from datetime import datetime, timedelta

import jsonschema
import pytest
from django.core.management import call_command
from lxml import etree

from backoffice import formats, importing, releases
from backoffice.models import ScheduleSource
from congress.models import ChatMessage, Room, Session, Speaker, Track
from treffpunkt.models import TopicEvent

from .conftest import DEMOCON, SCHEMAS, democon

pytestmark = pytest.mark.django_db

# The one talk of the demo schedule our rules refuse: Stephanie Hudson speaks in the Tan Room from
# 09:00 to 10:30 and in the Gray Room from 09:30 on the same morning.
DOUBLE_BOOKED = "630051b3-c874-5093-bd3e-487fe2049e76"


def demo_talks(document=None):
    document = document or democon()
    return [
        talk
        for day in document["schedule"]["conference"]["days"]
        for talks in day["rooms"].values()
        for talk in talks
    ]


def run_import(event, document=None, **options):
    data = json.dumps(document or democon()).encode()
    return importing.import_programme(event, formats.parse(data), user=event.organizer, **options)


def counts():
    return {model.__name__: model.objects.count() for model in (Room, Track, Speaker, Session)}


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


def test_democon_round_trip_is_valid_and_keeps_every_talk(
    client, democon_event, xml_schema, json_validator
):
    report = run_import(democon_event)

    assert report["conflicts"] == [
        {
            "guid": DOUBLE_BOOKED,
            "title": "Inverse motivating array",
            "field": "speakers",
            "code": "speaker_double_booked",
            "message": "Stephanie Hudson spricht bereits von 16.12.2020 09:30 bis 16.12.2020 "
            "10:00 in „Re-engineered bandwidth-monitored focus group“.",
        }
    ]
    xml = client.get("/api/v1/events/democon/schedule.xml").content
    body = client.get("/api/v1/events/democon/schedule.json").content
    xml_schema.assertValid(etree.fromstring(xml))
    json_validator.validate(json.loads(body))

    exported = {talk["guid"]: talk for talk in demo_talks(json.loads(body))}
    expected = {talk["guid"]: talk for talk in demo_talks() if talk["guid"] != DOUBLE_BOOKED}
    assert sorted(exported) == sorted(expected)
    assert len(exported) == 35
    for guid, talk in expected.items():
        mine = exported[guid]
        assert mine["title"] == talk["title"]
        assert mine["date"] == talk["date"]
        assert mine["duration"] == talk["duration"]
        assert mine["room"] == talk["room"]
        assert mine["abstract"] == talk["abstract"]
        assert mine["description"] == talk["description"]
        assert mine["track"] == talk["track"]
        # Speakers are listed by name (the model keeps no order of a session's speakers).
        assert [p["name"] for p in mine["persons"]] == sorted(
            p["public_name"] for p in talk["persons"]
        )
    xml_guids = {element.get("guid") for element in etree.fromstring(xml).iter("event")}
    assert xml_guids == set(expected)
    rooms = json.loads(body)["schedule"]["conference"]["rooms"]
    # Both rooms carry one guid in the file; the first keeps it, the second needs its own.
    assert [(room["name"], room["guid"]) for room in rooms][0] == (
        "Gray Room",
        "b379c473-93b9-4eae-9a09-d482e86cede3",
    )
    assert [room["name"] for room in rooms] == ["Gray Room", "Tan Room"]
    assert report["warnings"] == [
        "Die Räume Gray Room, Tan Room haben dieselbe GUID b379c473-93b9-4eae-9a09-d482e86cede3; "
        "sie werden über ihren Namen zugeordnet."
    ]


def test_importing_twice_creates_nothing_new(democon_event):
    run_import(democon_event)
    before = counts()
    pushes = TopicEvent.objects.count()

    report = run_import(democon_event)

    assert counts() == before == {"Room": 2, "Track": 2, "Speaker": 27, "Session": 35}
    assert importing.summary_of(report) == {
        "created": 0, "updated": 0, "unchanged": 35, "cancelled": 0, "conflicts": 1,
    }  # fmt: skip
    assert report["speakers"] == {"created": [], "updated": [], "unchanged": 27}
    assert TopicEvent.objects.count() == pushes


def test_importing_our_own_xml_export_changes_nothing(client, democon_event):
    run_import(democon_event)
    xml = client.get("/api/v1/events/democon/schedule.xml").content
    before = counts()

    report = importing.import_programme(
        democon_event, formats.parse(xml), user=democon_event.organizer
    )

    assert counts() == before
    assert importing.summary_of(report) == {
        "created": 0, "updated": 0, "unchanged": 35, "cancelled": 0, "conflicts": 0,
    }  # fmt: skip


def moved_and_removed():
    """The demo schedule with one talk an hour later in the other room and one talk gone."""
    document = democon()
    days = document["schedule"]["conference"]["days"]
    gray = days[0]["rooms"]["Gray Room"]
    moved = gray[0]  # "Focused 5thgeneration hardware", 14.12. 09:00 Gray Room
    removed = gray.pop(1)
    moved["date"] = "2020-12-14T20:00:00+01:00"
    moved["start"] = "20:00"
    moved["room"] = "Tan Room"
    days[0]["rooms"]["Tan Room"].append(gray.pop(0))
    document["schedule"]["version"] = "v1.2"
    return document, moved, removed


def test_moved_and_removed_talk_is_moved_cancelled_and_released_as_such(democon_event):
    run_import(democon_event)
    organizer = democon_event.organizer
    releases.publish_release(democon_event, user=organizer, version="v1.1")
    document, moved, removed = moved_and_removed()
    gone = Session.objects.get(guid=removed["guid"])
    ChatMessage.objects.create(session=gone, user=organizer, text="Bis gleich!", client_id="c1")
    last_push = TopicEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    report = run_import(democon_event, document)

    assert report["sessions"]["updated"] == [
        {"guid": moved["guid"], "title": moved["title"], "fields": ["end", "room", "start"]}
    ]
    assert report["sessions"]["cancelled"] == [{"guid": removed["guid"], "title": removed["title"]}]
    assert report["sessions"]["created"] == []
    gone.refresh_from_db()
    assert gone.state == Session.State.CANCELLED
    assert list(ChatMessage.objects.filter(session=gone).values_list("text", flat=True)) == [
        "Bis gleich!"
    ]
    pushes = list(
        TopicEvent.objects.filter(pk__gt=last_push, topic="event:democon").values_list(
            "type", "data"
        )
    )
    assert [(kind, data["action"], data["session"]["guid"]) for kind, data in pushes] == [
        ("programme.changed", "moved", moved["guid"]),
        ("programme.changed", "cancelled", removed["guid"]),
    ]
    pushed = pushes[0][1]["session"]
    assert datetime.fromisoformat(pushed["start"]) == datetime.fromisoformat(moved["date"])

    release = releases.publish_release(democon_event, user=organizer, version="v1.2")

    assert releases.summary_of(release.diff) == {
        "added": 0, "moved": 1, "cancelled": 1, "speakers_changed": 0, "retitled": 0,
    }  # fmt: skip
    [move] = release.diff["moved"]
    assert (move["guid"], move["from"]["room"], move["to"]["room"]) == (
        moved["guid"],
        "Gray Room",
        "Tan Room",
    )
    assert datetime.fromisoformat(move["to"]["start"]) - datetime.fromisoformat(
        move["from"]["start"]
    ) == timedelta(hours=11)
    assert [entry["guid"] for entry in release.diff["cancelled"]] == [removed["guid"]]


def test_a_talk_back_in_a_newer_file_is_reinstated(democon_event):
    run_import(democon_event)
    document, _moved, removed = moved_and_removed()
    run_import(democon_event, document)

    report = run_import(democon_event)

    assert Session.objects.get(guid=removed["guid"]).state == Session.State.SCHEDULED
    assert {entry["guid"] for entry in report["sessions"]["updated"]} >= {removed["guid"]}


def test_dry_run_reports_the_import_and_keeps_nothing(democon_event):
    before = counts()
    pushes = TopicEvent.objects.count()

    report = run_import(democon_event, dry_run=True)

    assert report["dry_run"] is True
    assert importing.summary_of(report)["created"] == 35
    assert counts() == before
    assert TopicEvent.objects.count() == pushes


def test_a_talk_outside_the_event_is_a_conflict_for_that_talk_only(democon_event):
    document = democon()
    first = demo_talks(document)[0]
    first["date"] = "2021-01-05T09:00:00+01:00"

    report = run_import(democon_event, document)

    assert [(c["guid"], c["code"]) for c in report["conflicts"]] == [
        (first["guid"], "outside_event"),
        (DOUBLE_BOOKED, "speaker_double_booked"),
    ]
    assert Session.objects.count() == 34


def test_a_file_that_is_no_schedule_is_refused():
    with pytest.raises(formats.FormatError):
        formats.parse(b'{"schedule": {}}')
    with pytest.raises(formats.FormatError):
        formats.parse(b"<html></html>")


def test_import_api_takes_a_file_upload_with_dry_run(as_user, democon_event):
    client = as_user(democon_event.organizer)
    upload = io.BytesIO(DEMOCON.read_bytes())
    upload.name = "schedule.json"

    response = client.post(
        "/api/v1/events/democon/schedule/import/",
        {"file": upload, "dry_run": "true"},
        format="multipart",
    )

    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True
    assert len(response.json()["sessions"]["created"]) == 35
    assert Session.objects.count() == 0


def test_import_api_refuses_a_bad_file_with_400(as_user, democon_event):
    client = as_user(democon_event.organizer)
    upload = io.BytesIO(b"not a schedule")
    upload.name = "schedule.json"

    response = client.post(
        "/api/v1/events/democon/schedule/import/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert Session.objects.count() == 0


def test_management_command_imports_a_file(democon_event, tmp_path):
    out = io.StringIO()

    call_command("import_schedule", "democon", str(DEMOCON), "--user", "orga", stdout=out)

    assert Session.objects.count() == 35
    assert "35 created" in out.getvalue()


def test_admin_action_imports_from_the_source_url(democon_event, admin_client, file_server):
    source = ScheduleSource.objects.create(
        event=democon_event, url=file_server("democon.json", DEMOCON.read_bytes())
    )

    response = admin_client.post(
        "/admin/backoffice/schedulesource/",
        {"action": "import_now", "_selected_action": [source.pk]},
    )

    assert response.status_code == 302
    assert Session.objects.filter(event=democon_event).count() == 35
    source.refresh_from_db()
    assert source.last_summary["created"] == 35


def test_import_api_fetches_a_url(as_user, democon_event, file_server):
    client = as_user(democon_event.organizer)
    url = file_server("democon.json", DEMOCON.read_bytes())

    response = client.post("/api/v1/events/democon/schedule/import/", {"url": url}, format="json")

    assert response.status_code == 200, response.content
    assert Session.objects.count() == 35


def test_import_schedule_sources_imports_every_source(democon_event, file_server):
    ScheduleSource.objects.create(
        event=democon_event, url=file_server("democon.json", DEMOCON.read_bytes())
    )
    out = io.StringIO()

    call_command("import_schedule_sources", stdout=out)
    call_command("import_schedule_sources", stdout=out)

    assert Session.objects.count() == 35
    assert out.getvalue().splitlines() == [
        f"democon {ScheduleSource.objects.get().url}: 35 created, 0 updated, 0 cancelled, "
        "1 conflicts",
        f"democon {ScheduleSource.objects.get().url}: 0 created, 0 updated, 0 cancelled, "
        "1 conflicts",
    ]
