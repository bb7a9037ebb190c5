import json
from datetime import timedelta
from pathlib import Path

import icalendar
import jsonschema
import pytest
from lxml import etree

from congress import exports, selectors, services
from congress.models import Favourite, Registration, Session
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "frab"
FORMATS = ["xml", "json", "ics"]
CONTENT_TYPES = {
    "xml": "application/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


def export_url(event, export):
    return f"/api/v1/events/{event.slug}/schedule.{export}"


def stamp_of(event):
    return exports.programme_stamp(event.created_at, event.programme_version)


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


@pytest.fixture
def programme(event):
    """Two days, three rooms: 11 sessions, of which one is cancelled and one break has no room."""
    rooms = [RoomFactory(event=event, name=name) for name in ("Saal 1", "Saal 2", "Foyer")]
    cities, health = (
        TrackFactory(event=event, name="Smart Cities"),
        TrackFactory(event=event, name="E-Health", color="#aa3300"),
    )
    weber = SpeakerFactory(event=event, name="Dr. Jana Weber", bio="Leitet das Datenlabor.")
    yilmaz = SpeakerFactory(event=event, name="Deniz Yılmaz", organisation="")
    sessions = {
        "opening": SessionFactory(event=event, title="Eröffnung", kind=Session.Kind.KEYNOTE, room=rooms[0], start=at(event, 9), end=at(event, 10), speakers=[weber]),
        "data": SessionFactory(event=event, title="Datenräume für Kommunen", room=rooms[0], track=cities, start=at(event, 10, 30), end=at(event, 11, 15), speakers=[weber, yilmaz]),
        "panel": SessionFactory(event=event, title="Podium: Gesundheit digital", kind=Session.Kind.PANEL, room=rooms[1], track=health, start=at(event, 10, 30), end=at(event, 12)),
        "lunch": SessionFactory(event=event, title="Mittagspause", kind=Session.Kind.BREAK, room=rooms[2], start=at(event, 12), end=at(event, 13)),
        "workshop": SessionFactory(event=event, title="Workshop & <Praxis>", kind=Session.Kind.WORKSHOP, room=rooms[1], start=at(event, 13), end=at(event, 15), speakers=[yilmaz]),
        "cancelled": SessionFactory(event=event, title="Abgesagt: Blockchain im Amt", room=rooms[0], start=at(event, 13), end=at(event, 14), state=Session.State.CANCELLED),
        "late": SessionFactory(event=event, title="Abendvortrag", room=rooms[0], start=at(event, 19), end=at(event, 20), state=Session.State.ENDED),
        "morning": SessionFactory(event=event, title="Frühstücksrunde", kind=Session.Kind.ROUND_TABLE, room=rooms[2], start=at(event, 8, day=1), end=at(event, 9, day=1)),
        "coffee": SessionFactory(event=event, title="Kaffeepause", kind=Session.Kind.BREAK, room=None, start=at(event, 10, day=1), end=at(event, 10, 30, day=1)),
        "health": SessionFactory(event=event, title="Telemedizin auf dem Land", room=rooms[1], track=health, start=at(event, 10, 30, day=1), end=at(event, 11, 30, day=1), speakers=[weber]),
        "closing": SessionFactory(event=event, title="Abschluss", kind=Session.Kind.KEYNOTE, room=rooms[0], start=at(event, 16, day=1), end=at(event, 17, day=1), state=Session.State.LIVE),
    }  # fmt: skip
    return sessions


def xml_events(body):
    return etree.fromstring(body).findall("day/room/event")


def json_events(body):
    days = json.loads(body)["schedule"]["conference"]["days"]
    return [entry for day in days for entries in day["rooms"].values() for entry in entries]


def ics_events(body):
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_schedule_xml_is_valid_against_the_frab_xsd(client, programme, xml_schema):
    response = client.get(export_url(programme["opening"].event, "xml"))
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    xml_schema.assertValid(document)
    assert [day.get("date") for day in document.findall("day")] == ["2026-06-10", "2026-06-11"]
    assert [room.get("name") for room in document.findall("day[1]/room")] == [
        "Saal 1",
        "Saal 2",
        "Foyer",
    ]


def test_schedule_xml_names_the_conference_within_the_first_kibibyte(client, programme):
    response = client.get(export_url(programme["opening"].event, "xml"))
    assert response.content.index(b"<conference>") < 1024


def test_schedule_xml_days_have_start_and_end(client, programme):
    document = etree.fromstring(client.get(export_url(programme["opening"].event, "xml")).content)
    days = [(day.get("start"), day.get("end")) for day in document.findall("day")]
    assert days == [
        ("2026-06-10T09:00:00+02:00", "2026-06-10T20:00:00+02:00"),
        ("2026-06-11T08:00:00+02:00", "2026-06-11T17:00:00+02:00"),
    ]


def test_schedule_xml_has_no_empty_url_and_ids_and_guids_on_every_event(client, programme):
    document = etree.fromstring(client.get(export_url(programme["opening"].event, "xml")).content)
    urls = document.xpath("//url | //base_url | //logo")
    assert urls
    assert all(element.text and element.text.startswith("http://testserver/") for element in urls)
    listed = {
        session.pk: str(session.guid)
        for session in programme.values()
        if exports.is_listed(session)
    }
    assert {int(e.get("id")): e.get("guid") for e in document.iter("event")} == listed


def test_schedule_xml_escapes_markup_in_titles(client, programme):
    body = client.get(export_url(programme["opening"].event, "xml")).content
    titles = etree.fromstring(body).xpath("//event/title/text()")
    assert "Workshop & <Praxis>" in titles


def test_schedule_json_is_valid_against_the_c3voc_schema(client, programme, json_validator):
    response = client.get(export_url(programme["opening"].event, "json"))
    assert response.status_code == 200
    document = response.json()
    assert sorted(str(error.message) for error in json_validator.iter_errors(document)) == []
    conference = document["schedule"]["conference"]
    assert conference["daysCount"] == 2
    assert [room["name"] for room in conference["rooms"]] == ["Saal 1", "Saal 2", "Foyer"]


def test_schedule_json_persons_carry_name_and_guid(client, programme):
    entries = json_events(client.get(export_url(programme["opening"].event, "json")).content)
    data = next(entry for entry in entries if entry["title"] == "Datenräume für Kommunen")
    assert [person["name"] for person in data["persons"]] == ["Deniz Yılmaz", "Dr. Jana Weber"]
    assert data["track"] == "Smart Cities"
    assert data["duration"] == "00:45"
    assert data["date"] == "2026-06-10T10:30:00+02:00"


def test_schedule_json_acronym_with_hyphens_is_made_valid(client, json_validator):
    event = EventFactory(acronym="digitale-staedte-2021")
    SessionFactory(event=event)
    document = client.get(export_url(event, "json")).json()
    assert document["schedule"]["conference"]["acronym"] == "digitale_staedte_2021"
    assert list(json_validator.iter_errors(document)) == []


def test_exports_of_an_empty_programme_are_valid(client, event, xml_schema, json_validator):
    xml_schema.assertValid(etree.fromstring(client.get(export_url(event, "xml")).content))
    assert list(json_validator.iter_errors(client.get(export_url(event, "json")).json())) == []
    assert ics_events(client.get(export_url(event, "ics")).content) == []


@pytest.mark.parametrize(
    ("export", "events_in"),
    [("xml", xml_events), ("json", json_events), ("ics", ics_events)],
)
def test_export_counts_agree_with_the_sessions_api(client, programme, export, events_in):
    event = programme["opening"].event
    listed = client.get(f"/api/v1/events/{event.slug}/sessions/?page_size=500").json()["results"]
    not_cancelled = [session for session in listed if session["state"] != "cancelled"]
    if export != "ics":
        not_cancelled = [session for session in not_cancelled if session["room"] is not None]
    body = client.get(export_url(event, export)).content
    assert len(events_in(body)) == len(not_cancelled)
    assert len(listed) == 11


def test_schedule_leaves_out_cancelled_session_everywhere(client, programme):
    event, cancelled = programme["opening"].event, programme["cancelled"]
    for export in FORMATS:
        assert str(cancelled.guid).encode() not in client.get(export_url(event, export)).content


def test_break_without_room_is_only_in_the_ics(client, programme):
    event, coffee = programme["opening"].event, programme["coffee"]
    guid = str(coffee.guid).encode()
    assert guid not in client.get(export_url(event, "xml")).content
    assert guid not in client.get(export_url(event, "json")).content
    vevent = next(
        v
        for v in ics_events(client.get(export_url(event, "ics")).content)
        if v["UID"] == str(coffee.guid)
    )
    assert "LOCATION" not in vevent


def test_schedule_ics_uses_tzid_europe_berlin_with_vtimezone(client, programme):
    body = client.get(export_url(programme["opening"].event, "ics")).content
    calendar = icalendar.Calendar.from_ical(body)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20260610T090000\r\n" in body
    assert b"DTEND;TZID=Europe/Berlin:20260610T100000\r\n" in body
    for vevent in calendar.walk("VEVENT"):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert vevent["DTEND"].params["TZID"] == "Europe/Berlin"


def test_schedule_ics_vevent_has_uid_summary_location_and_description(client, programme):
    event, data = programme["opening"].event, programme["data"]
    vevents = ics_events(client.get(export_url(event, "ics")).content)
    vevent = next(v for v in vevents if v["UID"] == str(data.guid))
    assert str(vevent["SUMMARY"]) == "Datenräume für Kommunen"
    assert str(vevent["LOCATION"]) == "Saal 1"
    assert str(vevent["DESCRIPTION"]) == (
        "Worum es geht.\n\nDeniz Yılmaz, Dr. Jana Weber (Stadt Musterhausen)"
    )
    assert vevent.decoded("DTSTART") == data.start
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(minutes=45)


@pytest.mark.parametrize("export", FORMATS)
def test_export_takes_at_most_5_queries_uncached(
    client, programme, export, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = client.get(export_url(programme["opening"].event, export))
    assert response.status_code == 200


@pytest.mark.parametrize("export", FORMATS)
def test_cached_export_takes_one_query_and_returns_the_same_body(
    client, programme, export, django_assert_num_queries
):
    url = export_url(programme["opening"].event, export)
    first = client.get(url)
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.content == first.content


@pytest.mark.parametrize("export", FORMATS)
def test_export_headers(client, programme, export):
    event = programme["opening"].event
    response = client.get(export_url(event, export))
    assert response["Content-Type"] == CONTENT_TYPES[export]
    stamp = exports.programme_stamp(event.created_at, 1)
    assert response["ETag"] == f'"{event.slug}-{stamp}-{export}-r{exports.REVISION}"'
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("export", FORMATS)
def test_export_with_matching_if_none_match_returns_304_without_body(client, programme, export):
    url = export_url(programme["opening"].event, export)
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"


def test_export_with_weak_or_listed_etag_returns_304(client, programme):
    url = export_url(programme["opening"].event, "json")
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304


def test_export_with_stale_etag_returns_200(client, programme):
    url = export_url(programme["opening"].event, "json")
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_programme_change_via_api_changes_etag_and_content(client, programme, organizer, as_user):
    event = programme["opening"].event
    before = {export: client.get(export_url(event, export)) for export in FORMATS}
    response = as_user(organizer).post(
        f"/api/v1/events/{event.slug}/sessions/",
        {
            "title": "Neu im Programm",
            "start": at(event, 14, day=1).isoformat(),
            "end": at(event, 15, day=1).isoformat(),
            "room": programme["opening"].room_id,
            "speakers": [],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    for export in FORMATS:
        url = export_url(event, export)
        after = client.get(url, HTTP_IF_NONE_MATCH=before[export]["ETag"])
        assert after.status_code == 200
        assert after["ETag"] != before[export]["ETag"]
        assert b"Neu im Programm" in after.content
        assert b"Neu im Programm" not in before[export].content


def test_cancelling_a_session_removes_it_from_the_cached_ics(client, programme, organizer):
    event, data = programme["opening"].event, programme["data"]
    client.get(export_url(event, "ics"))
    services.set_session_state(data, user=organizer, state=Session.State.CANCELLED)
    body = client.get(export_url(event, "ics")).content
    assert str(data.guid) not in [str(v["UID"]) for v in ics_events(body)]


@pytest.mark.parametrize("export", FORMATS)
def test_unpublished_event_export_is_404_for_anonymous(client, export):
    event = EventFactory(is_published=False)
    SessionFactory(event=event)
    response = client.get(export_url(event, export))
    assert response.status_code == 404
    assert "ETag" not in response


@pytest.mark.parametrize("export", FORMATS)
def test_unpublished_event_export_is_private_for_its_organizer(client, export):
    event = EventFactory(is_published=False)
    SessionFactory(event=event)
    organizer = UserFactory()
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    client.force_login(organizer)
    response = client.get(export_url(event, export))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert "Access-Control-Allow-Origin" not in response


def test_unpublished_event_export_accepts_an_organizers_api_token(client):
    from rest_framework.authtoken.models import Token

    event = EventFactory(is_published=False)
    organizer = UserFactory()
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    token = Token.objects.create(user=organizer)
    url = export_url(event, "json")
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION="Token wrong").status_code == 404


def test_unpublished_event_export_is_404_for_an_attendee(client):
    event = EventFactory(is_published=False)
    attendee = UserFactory()
    RegistrationFactory(event=event, user=attendee)
    client.force_login(attendee)
    assert client.get(export_url(event, "ics")).status_code == 404


def test_export_of_unknown_event_is_404(client, db):
    assert client.get("/api/v1/events/no-such-event/schedule.json").status_code == 404


def test_export_refuses_post(client, programme):
    assert client.post(export_url(programme["opening"].event, "json")).status_code == 405


# --- agenda.ics ---------------------------------------------------------------------------------


def agenda_url(registration):
    return f"/api/v1/agenda/{registration.agenda_token}.ics"


def test_agenda_ics_lists_exactly_the_users_favourites(client, programme, attendee):
    registration = Registration.objects.get(user=attendee)
    chosen = [programme["data"], programme["health"], programme["coffee"]]
    for session in chosen:
        services.add_favourite(user=attendee, session=session)
    someone_else = UserFactory()
    services.add_favourite(user=someone_else, session=programme["panel"])
    response = client.get(agenda_url(registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    uids = sorted(str(vevent["UID"]) for vevent in ics_events(response.content))
    assert uids == sorted(str(session.guid) for session in chosen)


def test_agenda_ics_leaves_out_a_cancelled_favourite(client, programme, attendee):
    registration = Registration.objects.get(user=attendee)
    Favourite.objects.create(user=attendee, session=programme["cancelled"])
    services.add_favourite(user=attendee, session=programme["data"])
    uids = [str(v["UID"]) for v in ics_events(client.get(agenda_url(registration)).content)]
    assert uids == [str(programme["data"].guid)]


def test_agenda_ics_is_neither_stored_nor_shared(client, programme, attendee):
    registration = Registration.objects.get(user=attendee)
    response = client.get(agenda_url(registration))
    assert response["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == f"{programme['opening'].event.name} – anna"


def test_agenda_ics_with_unknown_token_returns_404(client, attendee):
    assert client.get("/api/v1/agenda/not-a-real-token.ics").status_code == 404


def test_agenda_ics_of_unpublished_event_returns_404_for_an_attendee(client):
    registration = RegistrationFactory(event=EventFactory(is_published=False))
    assert client.get(agenda_url(registration)).status_code == 404


def test_agenda_ics_takes_at_most_5_queries(
    client, programme, attendee, django_assert_max_num_queries
):
    registration = Registration.objects.get(user=attendee)
    services.add_favourite(user=attendee, session=programme["data"])
    with django_assert_max_num_queries(5):
        assert client.get(agenda_url(registration)).status_code == 200


def test_registration_api_links_the_agenda_ics(attendee, as_user, event):
    response = as_user(attendee).get(f"/api/v1/events/{event.slug}/registration/")
    token = Registration.objects.get(user=attendee).agenda_token
    assert response.json()["agenda_ics_url"] == f"http://testserver/api/v1/agenda/{token}.ics"


# --- the builders without a request --------------------------------------------------------------


def test_builders_query_nothing_beyond_the_loaded_sessions(programme, django_assert_num_queries):
    event = programme["opening"].event
    sessions = list(selectors.sessions_for(event))
    with django_assert_num_queries(0):
        for build in (exports.schedule_xml, exports.schedule_json, exports.schedule_ics):
            build(event, sessions, origin="https://example.org")


def test_xml_builder_drops_characters_xml_cannot_carry(event, xml_schema):
    session = SessionFactory(event=event, abstract="Folie\x0b2\x1f")
    body = exports.schedule_xml(event, [session], origin="https://example.org")
    xml_schema.assertValid(etree.fromstring(body))
    assert etree.fromstring(body).findtext("day/room/event/abstract") == "Folie2"


def test_acronym_for_short_or_foreign_acronym(event):
    event.acronym = "Kö"
    assert exports.acronym_for(event) == f"ko_{event.pk:03d}"


# --- the ASGI fast path for cache hits --------------------------------------------------------------


class InnerApp:
    """Stands in for Django behind the fast path; records what reached it."""

    def __init__(self):
        self.paths = []

    async def __call__(self, scope, receive, send):
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def call_asgi(application, path, *, method="GET", headers=(), host=b"testserver"):
    """One request through an ASGI app; returns (status, headers, body)."""
    from asgiref.sync import async_to_sync

    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "scheme": "http",
        "query_string": b"",
        "headers": [(b"host", host), *headers],
    }
    async_to_sync(application)(scope, receive, send)
    start, body = messages[0], b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def fast_path():
    from congress.export_views import serve_cached_exports

    inner = InnerApp()
    return serve_cached_exports(inner), inner


@pytest.mark.django_db(transaction=True)
def test_fast_path_reverses_nothing_for_a_request_that_is_no_export(fast_path, monkeypatch):
    # The export pattern comes from reverse(), whose first call in a process builds the
    # URLconf's reverse tables on the event loop: a restarted worker's first page or /health/
    # request does not wait for them.
    from congress import export_views

    application, inner = fast_path
    event = EventFactory()
    reversed_names = []
    real_reverse = export_views.reverse

    def counted(name, *args, **kwargs):
        reversed_names.append(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(export_views, "reverse", counted)
    export_views._export_path_pattern.cache_clear()
    try:
        assert call_asgi(application, "/health/")[0] == 418
        assert call_asgi(application, f"/events/{event.slug}/")[0] == 418
        assert reversed_names == []
        assert call_asgi(application, export_url(event, "ics"))[0] == 418  # a miss: to Django
        assert reversed_names == ["schedule-json"]
        assert inner.paths == ["/health/", f"/events/{event.slug}/", export_url(event, "ics")]
    finally:
        export_views._export_path_pattern.cache_clear()


# The fast path reads in a pooled thread, which sees only committed rows.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("export", FORMATS)
def test_fast_path_answers_a_cached_export_as_the_view_built_it(client, fast_path, export):
    application, inner = fast_path
    event = EventFactory()
    SessionFactory(event=event)
    built = client.get(export_url(event, export))
    status, headers, body = call_asgi(application, export_url(event, export))
    assert inner.paths == []
    assert (status, body) == (200, built.content)
    assert headers["etag"] == built["ETag"]
    assert headers["content-type"] == built["Content-Type"]
    assert headers["cache-control"] == "public, max-age=60"
    assert headers["content-length"] == str(len(built.content))


@pytest.mark.django_db(transaction=True)
def test_fast_path_passes_a_cache_miss_to_django(fast_path):
    application, inner = fast_path
    event = EventFactory()
    assert call_asgi(application, export_url(event, "json"))[0] == 418
    assert inner.paths == [export_url(event, "json")]


@pytest.mark.django_db(transaction=True)
def test_fast_path_answers_a_matching_etag_with_304_even_uncached(fast_path):
    application, inner = fast_path
    event = EventFactory()
    etag = exports.etag_for(event.slug, stamp_of(event), "xml")
    headers = [(b"if-none-match", etag.encode())]
    status, response_headers, body = call_asgi(
        application, export_url(event, "xml"), headers=headers
    )
    assert (status, body, inner.paths) == (304, b"", [])
    assert response_headers["etag"] == etag


@pytest.mark.django_db(transaction=True)
def test_fast_path_after_programme_change_passes_to_django(client, fast_path, organizer):
    application, inner = fast_path
    event = organizer.registrations.get().event
    room = RoomFactory(event=event)
    url = export_url(event, "json")
    old_etag = client.get(url)["ETag"]
    services.create_session(
        user=organizer, event=event, title="Neu", room=room, start=at(event, 9), end=at(event, 10)
    )
    headers = [(b"if-none-match", old_etag.encode())]
    assert call_asgi(application, url, headers=headers)[0] == 418
    assert inner.paths == [url]


@pytest.mark.django_db(transaction=True)
def test_an_event_created_again_under_the_same_slug_gets_its_own_export(client, fast_path):
    """A reseed (``seed_demo --reset``) deletes the event and creates it again: the same slug and
    id, at programme version 1 again. Neither the view nor the fast path may answer with the old
    event's export, or confirm a client's copy of it with 304."""
    application, inner = fast_path
    event = EventFactory(slug="kongress")
    SessionFactory(event=event, title="Auftakt")
    url = export_url(event, "json")
    old = client.get(url)
    assert b"Auftakt" in old.content
    pk = event.pk
    event.delete()

    again = EventFactory(pk=pk, slug="kongress")
    SessionFactory(event=again, title="Begegnung")
    assert again.programme_version == 1

    headers = [(b"if-none-match", old["ETag"].encode())]
    assert call_asgi(application, url, headers=headers)[0] == 418  # to Django: a miss
    assert call_asgi(application, url)[0] == 418
    assert inner.paths == [url, url]
    fresh = client.get(url, HTTP_IF_NONE_MATCH=old["ETag"])
    assert fresh.status_code == 200
    assert fresh["ETag"] != old["ETag"]
    assert b"Begegnung" in fresh.content and b"Auftakt" not in fresh.content


@pytest.mark.django_db(transaction=True)
def test_fast_path_passes_unpublished_event_to_django(client, fast_path):
    application, inner = fast_path
    event = EventFactory(is_published=False)
    etag = exports.etag_for(event.slug, stamp_of(event), "ics")
    assert (
        call_asgi(
            application, export_url(event, "ics"), headers=[(b"if-none-match", etag.encode())]
        )[0]
        == 418
    )
    assert len(inner.paths) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "method", "host"),
    [
        ("/api/v1/events/{slug}/schedule.json", "POST", b"testserver"),
        ("/api/v1/events/{slug}/schedule.json", "HEAD", b"testserver"),
        ("/api/v1/events/{slug}/schedule.pdf", "GET", b"testserver"),
        ("/api/v1/events/{slug}/sessions/", "GET", b"testserver"),
        ("/api/v1/events/{slug}/schedule.json", "GET", b"evil host"),
        ("/api/v1/events/{slug}/schedule.json", "GET", b"other.example"),
    ],
)
def test_fast_path_passes_everything_else_to_django(client, fast_path, path, method, host):
    application, inner = fast_path
    event = EventFactory()
    client.get(export_url(event, "json"))
    assert call_asgi(application, path.format(slug=event.slug), method=method, host=host)[0] == 418
    assert len(inner.paths) == 1
