"""Erasure (Art. 17): after DELETE /api/v1/me/ the person is nowhere; others' histories still read."""

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from congress.models import ChatMessage, Question
from conversations.selectors import snapshot
from matchmaking.models import Meeting
from privacy.models import Erasure
from privacy.services import build_archive
from tests.factories import PASSWORD
from treffpunkt.models import TopicEvent
from treffpunkt.privacy import ERASED_NAME

from .conftest import UNIQUE, named_in, named_on_page, search_database


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user):
    client = Client()
    client.force_login(user)
    return client


def erase(world, django_capture_on_commit_callbacks, **data):
    client = APIClient()
    client.force_authenticate(world.person)
    with django_capture_on_commit_callbacks(execute=True):
        return client.delete("/api/v1/me/", data or {"password": PASSWORD}, format="json")


def test_wrong_password_refuses_and_erases_nothing(world, django_capture_on_commit_callbacks):
    response = erase(world, django_capture_on_commit_callbacks, password="falsch")
    assert response.status_code == 400
    world.person.refresh_from_db()
    assert world.person.email == "zuzanna.quastkowski@beispiel.example"
    assert Erasure.objects.count() == 0
    assert search_database(["QX7-chat"]) != {}


def test_no_table_holds_the_person_after_erasure(world, django_capture_on_commit_callbacks):
    assert erase(world, django_capture_on_commit_callbacks).status_code == 204
    assert search_database(UNIQUE) == {}
    assert _uploaded_files_named("qx7") == []


def _uploaded_files_named(part):
    from django.conf import settings

    root = settings.MEDIA_ROOT
    return [path for path in root.rglob(f"*{part}*")] if root.exists() else []


def test_erased_account_cannot_log_in(world, django_capture_on_commit_callbacks):
    username = world.person.username
    erase(world, django_capture_on_commit_callbacks)
    assert not Client().login(username=username, password=PASSWORD)
    world.person.refresh_from_db()
    assert (world.person.is_active, world.person.has_usable_password()) == (False, False)


def test_histories_keep_the_placeholder_in_order(world, django_capture_on_commit_callbacks):
    erase(world, django_capture_on_commit_callbacks)
    chat = snapshot(world.other, world.conversation)["chat"]
    assert [(m["user"]["name"], m["text"]) for m in chat] == [
        ("Otto", "Erste"),
        (ERASED_NAME, ""),
        ("Otto", "Dritte"),
    ]
    messages = ChatMessage.objects.filter(user=world.person).select_related("user")
    assert {(m.text, m.user.get_full_name()) for m in messages} == {("", ERASED_NAME)}
    assert list(Question.objects.filter(user=world.person).values_list("text", flat=True)) == [""]


def test_meeting_is_deleted_and_the_other_side_told(world, django_capture_on_commit_callbacks):
    from treffpunkt.realtime import bus

    pushed = []
    original = bus.publish
    bus.publish = lambda topic, type_, data, **kw: pushed.append((topic, type_, data))
    try:
        erase(world, django_capture_on_commit_callbacks)
    finally:
        bus.publish = original
    assert Meeting.objects.filter(pk=world.meeting.pk).count() == 0
    cancelled = [p for p in pushed if p[1] == "meeting.cancelled"]
    assert [(topic, data["by"]["name"]) for topic, _type, data in cancelled] == [
        (f"user:{world.other.pk}", ERASED_NAME)
    ]


@pytest.mark.parametrize(
    "viewer, url",
    [
        ("organizer", "/api/v1/events/{slug}/registrations/"),
        ("other", "/api/v1/events/{slug}/speakers/"),
        ("other", "/api/v1/events/{slug}/conversations/"),
        ("other", "/api/v1/events/{slug}/profiles/"),
        ("other", "/api/v1/events/{slug}/recommendations/"),
        ("other", "/api/v1/events/{slug}/meetings/"),
        ("organizer", "/api/v1/events/{slug}/reports/"),
        ("staff", "/api/v1/events/{slug}/exhibitors/{exhibitor}/leads/"),
        ("other", "/api/v1/events/{slug}/schedule.json"),
    ],
)
def test_no_api_response_names_the_person(world, django_capture_on_commit_callbacks, viewer, url):
    erase(world, django_capture_on_commit_callbacks)
    url = url.format(slug=world.event.slug, exhibitor=world.exhibitor.pk)
    response = api(getattr(world, viewer)).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert named_in(body) == []


@pytest.mark.parametrize(
    "viewer, name, kwargs",
    [
        ("other", "web:programme", {}),
        ("other", "web:session", {"pk": "session"}),
        ("other", "web:networking", {}),
        ("other", "web:messages", {}),
        ("other", "web:conversation", {"pk": "conversation"}),
        ("other", "web:meetings", {}),
        ("staff", "web:booth-leads", {"pk": "exhibitor"}),
    ],
)
def test_no_web_page_names_the_person(
    world, django_capture_on_commit_callbacks, viewer, name, kwargs
):
    erase(world, django_capture_on_commit_callbacks)
    kwargs = {key: getattr(world, value).pk for key, value in kwargs.items()}
    response = web(getattr(world, viewer)).get(
        reverse(name, kwargs={"slug": world.event.slug, **kwargs})
    )
    assert response.status_code == 200
    assert named_on_page(response.content.decode()) == []


def test_no_replay_or_other_export_names_the_person(world, django_capture_on_commit_callbacks):
    erase(world, django_capture_on_commit_callbacks)
    replayed = json.dumps(list(TopicEvent.objects.values("topic", "data")))
    assert named_in(replayed) == []
    for other in (world.other, world.staff, world.organizer):
        with zipfile.ZipFile(io.BytesIO(build_archive(other))) as archive:
            text = archive.read("data.json").decode()
        assert named_in(text) == []


def test_erasure_records_counts_not_contents(world, django_capture_on_commit_callbacks):
    erase(world, django_capture_on_commit_callbacks)
    record = Erasure.objects.get()
    assert record.account_id == world.person.pk
    assert record.counts["expo"] == {
        "leads": 1,
        "booth_visits": 1,
        "contact_requests": 1,
        "booth_staff": 0,
    }
    assert "QX7" not in json.dumps(record.counts)
