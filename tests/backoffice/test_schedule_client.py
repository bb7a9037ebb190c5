"""A real schedule client from PyPI reads our schedule.json: pyfahrplan 1.1.0 (a CCC schedule
client), which failed with ``KeyError: 'description'`` before the export sent that key.

pyfahrplan pins rich<11 and an old requests-cache that cannot be installed beside this project's
tools, so it is installed without its dependencies (``make test`` does it) and its HTTP cache — the
only one of them its reader needs at import — is replaced by a stand-in that caches nothing.
"""

import json
import sys
import types

import pytest

from backoffice import formats, importing
from congress.models import Session
from tests.factories import SessionFactory, at

from .conftest import DEMOCON

pytestmark = pytest.mark.django_db


@pytest.fixture
def pyfahrplan_lib(monkeypatch):
    stand_in = types.ModuleType("requests_cache")
    stand_in.install_cache = lambda *args, **kwargs: None
    stand_in.clear = lambda: None
    monkeypatch.setitem(sys.modules, "requests_cache", stand_in)
    monkeypatch.delitem(sys.modules, "pyfahrplan.lib", raising=False)
    try:
        import pyfahrplan.lib as lib
    except ImportError:  # pragma: no cover
        pytest.fail("pyfahrplan is not installed: pip install --no-deps pyfahrplan==1.1.0")
    return lib


def read_with_pyfahrplan(lib, url):
    """What ``pyfahrplan`` does for its own URLs, pointed at ours: download, then flatten."""
    fahrplan = lib.Fahrplan.__new__(lib.Fahrplan)
    fahrplan.urls = [url]
    fahrplan.update_cache = False
    fahrplan._get_fahrplans()
    fahrplan.flatten_fahrplans()
    return fahrplan.flat_plans


def test_pyfahrplan_reads_every_listed_session(client, democon_event, file_server, pyfahrplan_lib):
    importing.import_programme(
        democon_event, formats.parse(DEMOCON.read_bytes()), user=democon_event.organizer
    )
    SessionFactory(
        event=democon_event, title="Kaffeepause", kind=Session.Kind.BREAK, room=None,
        start=at(democon_event, 11), end=at(democon_event, 11, 15),
    )  # fmt: skip
    Session.objects.filter(title="Focused 5thgeneration hardware").update(state="cancelled")
    body = client.get("/api/v1/events/democon/schedule.json").content

    talks = read_with_pyfahrplan(pyfahrplan_lib, file_server("schedule.json", body))

    expected = Session.objects.exclude(kind=Session.Kind.BREAK).exclude(state="cancelled")
    assert len(talks) == expected.count() == 35
    assert sorted(t["talk_guid"] for t in talks) == sorted(
        str(guid) for guid in expected.values_list("guid", flat=True)
    )
    first = next(t for t in talks if t["title"] == "Secured mobile concept")
    assert first["talk_description"] == next(
        e["description"]
        for day in json.loads(DEMOCON.read_text())["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for e in events
        if e["title"] == "Secured mobile concept"
    )
    assert first["conference_acronym"] == "democon"
