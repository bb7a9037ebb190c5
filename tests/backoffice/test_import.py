"""Import of pretalx/frab schedules: round trip, idempotence, moves and removals, dry runs."""

import io
import json
from datetime import datetime, timedelta

import jsonschema
import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.utils.html import escape
from lxml import etree

from backoffice import formats, importing, releases
from backoffice.models import ScheduleImport, ScheduleSource
from congress.models import ChatMessage, Room, Session, Speaker, Track
from treffpunkt.models import TopicEvent

from .conftest import DEMOCON, SCHEMAS, democon

pytestmark = pytest.mark.django_db

# The demo schedule double-books Stephanie Hudson on 16.12.: "Inverse motivating array" in the Tan
# Room from 09:00 to 10:30, "Re-engineered bandwidth-monitored focus group" in the Gray Room from
# 09:30 to 10:00. pretalx is authoritative: both are imported, each with its conflict reported.
DOUBLE_BOOKED = "630051b3-c874-5093-bd3e-487fe2049e76"
ALSO_BOOKED = "8def099f-0871-5d9f-95b8-de50f694e747"
CONFLICTS = [
    {
        "guid": ALSO_BOOKED,
        "title": "Re-engineered bandwidth-monitored focus group",
        "field": "speakers",
        "code": "speaker_double_booked",
        "message": "Stephanie Hudson spricht bereits von 16.12.2020 09:00 bis 16.12.2020 10:30 "
        "in „Inverse motivating array“.",
    },
    {
        "guid": DOUBLE_BOOKED,
        "title": "Inverse motivating array",
        "field": "speakers",
        "code": "speaker_double_booked",
        "message": "Stephanie Hudson spricht bereits von 16.12.2020 09:30 bis 16.12.2020 10:00 "
        "in „Re-engineered bandwidth-monitored focus group“.",
    },
]


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

    assert report["conflicts"] == CONFLICTS
    assert report["refused"] == []
    xml = client.get("/api/v1/events/democon/schedule.xml").content
    body = client.get("/api/v1/events/democon/schedule.json").content
    xml_schema.assertValid(etree.fromstring(xml))
    json_validator.validate(json.loads(body))

    exported = {talk["guid"]: talk for talk in demo_talks(json.loads(body))}
    expected = {talk["guid"]: talk for talk in demo_talks()}
    assert sorted(exported) == sorted(expected)
    assert len(exported) == 36
    for guid, talk in expected.items():
        mine = exported[guid]
        assert mine["title"] == talk["title"]
        assert mine["date"] == talk["date"]
        assert mine["start"] == talk["start"]
        assert mine["duration"] == talk["duration"]
        assert mine["room"] == talk["room"]
        assert mine["abstract"] == talk["abstract"]
        assert mine["description"] == talk["description"]
        assert mine["track"] == talk["track"]
        # Speakers are listed by name (the model keeps no order of a session's speakers).
        assert [(p["name"], p["biography"]) for p in mine["persons"]] == sorted(
            (p["public_name"], p["biography"] or None) for p in talk["persons"]
        )
    speakers = {p["public_name"] for talk in demo_talks() for p in talk["persons"]}
    assert {p["name"] for talk in exported.values() for p in talk["persons"]} == speakers
    assert len(speakers) == 27
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


def test_the_import_is_stored_with_its_conflicts(democon_event):
    run_import(democon_event, source="pretalx-democon.json")

    stored = ScheduleImport.objects.get()
    assert (stored.event, stored.created_by, stored.source, stored.version) == (
        democon_event,
        democon_event.organizer,
        "pretalx-democon.json",
        "v1.1",
    )
    assert stored.summary == {
        "created": 36, "updated": 0, "unchanged": 0, "cancelled": 0, "conflicts": 2, "refused": 0,
    }  # fmt: skip
    assert stored.conflicts == CONFLICTS
    assert stored.refused == []


def test_editing_keeps_refusing_the_conflict_the_import_let_in(as_user, democon_event):
    run_import(democon_event)
    client = as_user(democon_event.organizer)
    hudson = Speaker.objects.get(name="Stephanie Hudson")
    talk = Session.objects.get(title="Secured mobile concept")
    before = list(Session.objects.order_by("pk").values())

    created = client.post(
        "/api/v1/events/democon/sessions/",
        {
            "title": "Dritter Termin",
            "start": "2020-12-16T09:45:00+01:00",
            "end": "2020-12-16T10:15:00+01:00",
            "speakers": [hudson.pk],
        },
        format="json",
    )
    moved = client.patch(
        f"/api/v1/events/democon/sessions/{talk.pk}/",
        {"start": "2020-12-16T09:00:00+01:00", "end": "2020-12-16T09:30:00+01:00",
         "room": Room.objects.get(name="Tan Room").pk},
        format="json",
    )  # fmt: skip

    assert created.status_code == 400
    assert created.json()["speakers"][0].startswith("Stephanie Hudson spricht bereits von")
    assert moved.status_code == 400
    assert moved.json()["room"][0].startswith("Raum Tan Room ist von 16.12.2020 09:00")
    assert list(Session.objects.order_by("pk").values()) == before


def test_importing_twice_creates_nothing_new(democon_event):
    run_import(democon_event)
    before = counts()
    pushes = TopicEvent.objects.count()

    report = run_import(democon_event)

    assert counts() == before == {"Room": 2, "Track": 2, "Speaker": 27, "Session": 36}
    assert importing.summary_of(report) == {
        "created": 0, "updated": 0, "unchanged": 36, "cancelled": 0, "conflicts": 2, "refused": 0,
    }  # fmt: skip
    assert report["conflicts"] == CONFLICTS
    assert report["speakers"] == {"created": [], "updated": [], "unchanged": 27}
    assert TopicEvent.objects.count() == pushes
    # The second import changed nothing and found the same: nothing new to read either.
    assert ScheduleImport.objects.count() == 1


def test_importing_our_own_xml_export_changes_nothing(client, democon_event):
    run_import(democon_event)
    xml = client.get("/api/v1/events/democon/schedule.xml").content
    before = counts()

    report = importing.import_programme(
        democon_event, formats.parse(xml), user=democon_event.organizer
    )

    assert counts() == before
    assert importing.summary_of(report) == {
        "created": 0, "updated": 0, "unchanged": 36, "cancelled": 0, "conflicts": 2, "refused": 0,
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
    log = TopicEvent.objects.filter(pk__gt=last_push, topic="event:democon")
    pushes = list(log.filter(type="programme.changed").values_list("type", "data"))
    assert [(kind, data["action"], data["session"]["guid"]) for kind, data in pushes] == [
        ("programme.changed", "moved", moved["guid"]),
        ("programme.changed", "cancelled", removed["guid"]),
    ]
    # The talk moved into the Tan Room: its open page gets that room's stream.
    tan_room = Session.objects.get(guid=moved["guid"]).room
    streams = log.filter(type="room.stream_changed").values_list("data", flat=True)
    assert (tan_room.name, [data["room"] for data in streams]) == ("Tan Room", [tan_room.pk])
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


@pytest.mark.django_db(transaction=True)
async def test_the_move_and_the_cancellation_reach_a_watching_browser_live(democon_event, connect):
    await sync_to_async(run_import)(democon_event)
    document, moved, removed = moved_and_removed()
    watcher = await connect()
    assert (await watcher.request("subscribe", {"topic": "event:democon"}))["ok"] is True

    await sync_to_async(run_import)(democon_event, document)

    pushes = [await watcher.push("programme.changed") for _n in range(2)]
    assert [(p["data"]["action"], p["data"]["session"]["guid"]) for p in pushes] == [
        ("moved", moved["guid"]),
        ("cancelled", removed["guid"]),
    ]
    assert pushes[0]["data"]["session"]["room_name"] == "Tan Room"
    assert await watcher.nothing_more()


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
    assert importing.summary_of(report)["created"] == 36
    assert report["conflicts"] == CONFLICTS
    assert counts() == before
    assert TopicEvent.objects.count() == pushes
    assert ScheduleImport.objects.count() == 0


def test_a_talk_outside_the_event_is_refused_for_that_talk_only(democon_event):
    document = democon()
    first = demo_talks(document)[0]
    first["date"] = "2021-01-05T09:00:00+01:00"

    report = run_import(democon_event, document)

    assert [(entry["guid"], entry["code"]) for entry in report["refused"]] == [
        (first["guid"], "outside_event"),
    ]
    assert report["conflicts"] == CONFLICTS
    assert Session.objects.count() == 35
    assert not Session.objects.filter(guid=first["guid"]).exists()


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
    assert len(response.json()["sessions"]["created"]) == 36
    assert response.json()["conflicts"] == CONFLICTS
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

    assert Session.objects.count() == 36
    assert out.getvalue().splitlines() == [
        "36 created, 0 updated, 0 unchanged, 0 cancelled, 2 conflicts, 0 refused",
        *(f"  conflict: {c['title']} ({c['guid']}): {c['message']}" for c in CONFLICTS),
        "  warning: Die Räume Gray Room, Tan Room haben dieselbe GUID "
        "b379c473-93b9-4eae-9a09-d482e86cede3; sie werden über ihren Namen zugeordnet.",
    ]
    assert ScheduleImport.objects.get().source == str(DEMOCON)


def test_admin_action_imports_from_the_source_url(democon_event, admin_client, file_server):
    source = ScheduleSource.objects.create(
        event=democon_event, url=file_server("democon.json", DEMOCON.read_bytes())
    )

    response = admin_client.post(
        "/admin/backoffice/schedulesource/",
        {"action": "import_now", "_selected_action": [source.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Session.objects.filter(event=democon_event).count() == 36
    source.refresh_from_db()
    assert source.last_summary["created"] == 36
    shown = [str(message) for message in response.context["messages"]]
    assert shown[1:] == [f"Konflikt: {c['title']}: {c['message']}" for c in CONFLICTS]
    stored = ScheduleImport.objects.get()
    assert stored.source == source.url
    listed = admin_client.get("/admin/backoffice/scheduleimport/")
    page = admin_client.get(f"/admin/backoffice/scheduleimport/{stored.pk}/change/")
    assert listed.status_code == page.status_code == 200
    for conflict in CONFLICTS:
        assert escape(conflict["message"]) in page.content.decode()
    assert (
        admin_client.get(f"/admin/backoffice/schedulesource/{source.pk}/change/").status_code == 200
    )


def test_import_api_fetches_a_url(as_user, democon_event, file_server):
    client = as_user(democon_event.organizer)
    url = file_server("democon.json", DEMOCON.read_bytes())

    response = client.post("/api/v1/events/democon/schedule/import/", {"url": url}, format="json")

    assert response.status_code == 200, response.content
    assert Session.objects.count() == 36
    assert ScheduleImport.objects.get().source == url


PRIVATE_ADDRESS = (
    "Der Fahrplan kann nur von einer öffentlichen Adresse abgerufen werden, "
    "nicht aus einem lokalen oder privaten Netz."
)


def test_a_url_in_the_servers_own_network_is_not_fetched(
    as_user, democon_event, file_server, settings
):
    settings.OUTBOUND_ALLOW_LOOPBACK = False  # as in production
    client = as_user(democon_event.organizer)
    url = file_server("democon.json", DEMOCON.read_bytes())

    response = client.post("/api/v1/events/democon/schedule/import/", {"url": url}, format="json")

    assert response.status_code == 400
    assert response.json() == {"url": [PRIVATE_ADDRESS]}
    assert Session.objects.count() == 0


def test_a_redirect_into_the_servers_own_network_is_not_followed(
    as_user, democon_event, file_server, settings
):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    inside = file_server("democon.json", DEMOCON.read_bytes())  # on 127.0.0.1: not allowed
    asked = []

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(302)
            self.send_header("Location", inside)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    # An allowed host (127.0.0.2 stands for an intranet's pretalx) that redirects inside.
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    server = ThreadingHTTPServer(("127.0.0.2", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = as_user(democon_event.organizer)
    try:
        response = client.post(
            "/api/v1/events/democon/schedule/import/",
            {"url": f"http://127.0.0.2:{server.server_port}/schedule.json"},
            format="json",
        )
    finally:
        server.shutdown()
        server.server_close()

    assert asked == ["/schedule.json"]
    assert response.status_code == 400
    assert response.json() == {"url": [PRIVATE_ADDRESS]}
    assert Session.objects.count() == 0


def test_import_schedule_sources_imports_every_source(democon_event, file_server):
    ScheduleSource.objects.create(
        event=democon_event, url=file_server("democon.json", DEMOCON.read_bytes())
    )
    out = io.StringIO()

    call_command("import_schedule_sources", stdout=out)
    call_command("import_schedule_sources", stdout=out)

    assert Session.objects.count() == 36
    assert out.getvalue().splitlines() == [
        f"democon {ScheduleSource.objects.get().url}: 36 created, 0 updated, 0 cancelled, "
        "2 conflicts, 0 refused",
        f"democon {ScheduleSource.objects.get().url}: 0 created, 0 updated, 0 cancelled, "
        "2 conflicts, 0 refused",
    ]
