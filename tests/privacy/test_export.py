"""Self-service export (Art. 15/20): one archive, every item, nobody else's data."""

import io
import json
import zipfile
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from accounts.models import Consent
from congress.models import ChatMessage, Favourite, Question
from conversations.models import ConversationMessage
from expo.models import BoothVisit, Lead
from matchmaking.models import Meeting, Profile
from privacy.models import AccessRecord, DataExport
from privacy.services import build_archive, build_export
from privacy.tasks import build_export_task
from tests.conftest import close_streamed

from .conftest import OTHER_SECRETS, PERSON, TEXTS


def archive_of(user):
    with zipfile.ZipFile(io.BytesIO(build_archive(user))) as archive:
        return json.loads(archive.read("data.json")), archive.namelist()


def test_archive_holds_every_item_of_the_person(world):
    person = world.person
    data, names = archive_of(person)
    sections = data["sections"]

    assert sections["accounts"]["account"]["email"] == PERSON["email"]
    assert sections["accounts"]["preferences"][0]["organisation"] == TEXTS["organisation"]
    assert [c["document"] for c in sections["accounts"]["consents"]] == list(
        Consent.objects.filter(user=person).order_by("pk").values_list("document", flat=True)
    )
    congress = sections["congress"]
    assert [r["event__slug"] for r in congress["registrations"]] == [world.event.slug]
    assert [a["session_id"] for a in congress["agenda"]] == list(
        Favourite.objects.filter(user=person).values_list("session_id", flat=True)
    )
    assert [m["text"] for m in congress["chat_messages"]] == list(
        ChatMessage.objects.filter(user=person).order_by("pk").values_list("text", flat=True)
    )
    assert [q["text"] for q in congress["questions"]] == list(
        Question.objects.filter(user=person).order_by("pk").values_list("text", flat=True)
    )
    assert len(congress["question_votes"]) == 1
    assert len(congress["poll_votes"]) == 1
    assert congress["speaker_entries"][0]["bio"] == TEXTS["speaker_bio"]
    photo = congress["speaker_entries"][0]["photo"]
    assert photo in names
    assert congress["moderation_about_me"]["bans"][0]["reason"] == TEXTS["ban"]
    assert len(congress["moderation_about_me"]["mutes"]) == 1
    assert {entry["action"] for entry in congress["moderation_about_me"]["log"]} == {
        "chat.delete",
        "mute",
    } or len(congress["moderation_about_me"]["log"]) >= 1

    [conversation] = sections["conversations"]
    assert [m["text"] for m in conversation["messages"]] == list(
        ConversationMessage.objects.filter(conversation=world.conversation)
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert [m["from_me"] for m in conversation["messages"]] == [False, True, False]

    expo = sections["expo"]
    assert [lead["message"] for lead in expo["leads_given"]] == list(
        Lead.objects.filter(user=person).values_list("message", flat=True)
    )
    assert len(expo["booth_visits"]) == BoothVisit.objects.filter(user=person).count() == 1
    assert expo["contact_requests"][0]["message"] == TEXTS["contact"]

    matchmaking = sections["matchmaking"]
    assert matchmaking["profiles"][0]["bio"] == Profile.objects.get(user=person).bio
    assert [m["message"] for m in matchmaking["meetings"]] == list(
        Meeting.objects.filter(requester=person).values_list("message", flat=True)
    )
    assert matchmaking["reports_filed"][0]["reason"] == TEXTS["report"]
    assert len(matchmaking["reports_about_me"]) == 1

    reads = sections["privacy"]["reads_of_my_data"]
    assert [(r["by"], r["what"]) for r in reads] == [
        (record.actor.first_name, record.what)
        for record in AccessRecord.objects.filter(subject=person)
    ]


def test_archive_holds_nothing_of_others_beyond_what_they_shared(world):
    data, _names = archive_of(world.person)
    text = json.dumps(data, ensure_ascii=False)
    for secret in OTHER_SECRETS:
        assert secret not in text
    assert "Zu laut" not in text  # the reason another person gave in a report about them
    assert "Erste" in text  # what the other side wrote to them in their conversation


def test_export_api_queues_a_job_then_mails_an_owner_only_link(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    client = APIClient()
    client.force_authenticate(world.person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/v1/me/export/")
    assert response.status_code == 202
    export = DataExport.objects.get(user=world.person)
    assert DBTaskResult.objects.filter(task_path__endswith="build_export_task").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert build_export_task.call(export.pk) == {"built": 1}
    export.refresh_from_db()
    assert export.state == "ready"
    assert mailoutbox[-1].to == [PERSON["email"]]
    assert export.token in mailoutbox[-1].body

    again = client.get("/api/v1/me/export/")
    assert again.status_code == 200
    assert again.json()["download_url"].endswith(f"/me/data/download/{export.token}/")

    owner = client_for(world.person)
    response = owner.get(f"/me/data/download/{export.token}/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    close_streamed(response)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "data.json" in archive.namelist()

    for stranger in (world.other, world.organizer):
        assert client_for(stranger).get(f"/me/data/download/{export.token}/").status_code == 404
    assert client_for(None).get(f"/me/data/download/{export.token}/").status_code == 302


def test_expired_link_no_longer_downloads(world):
    export = build_export(DataExport.objects.create(user=world.person))
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    response = client_for(world.person).get(f"/me/data/download/{export.token}/")
    assert response.status_code == 404


def client_for(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client
