"""Role × route × method: nobody but the person exports, downloads, withdraws or erases their data.

Every row asserts the status and that the person's data did not change.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Consent
from privacy.models import AccessRecord, DataExport
from privacy.services import build_export
from tests.conftest import close_streamed

from .conftest import PERSON

ROLES = ["anonymous", "person", "other", "staff", "organizer", "superuser"]


def user_for(world, role, django_user_model):
    if role == "anonymous":
        return None
    if role == "superuser":
        return django_user_model.objects.create_superuser("root", "root@example.org", "x")
    return getattr(world, role)


def web(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_person_untouched(world):
    world.person.refresh_from_db()
    assert (world.person.email, world.person.is_active) == (PERSON["email"], True)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 401),
        ("person", 202),
        ("other", 202),
        ("staff", 202),
        ("organizer", 202),
        ("superuser", 202),
    ],
)
def test_export_api_only_ever_exports_the_caller(world, django_user_model, role, expected):
    user = user_for(world, role, django_user_model)
    response = api(user).get("/api/v1/me/export/")
    assert response.status_code == expected
    owners = set(DataExport.objects.values_list("user_id", flat=True))
    assert owners == ({user.pk} if user else set())
    assert_person_untouched(world)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 401),
        ("other", 400),
        ("staff", 400),
        ("organizer", 400),
        ("superuser", 400),
    ],
)
def test_erasure_with_the_persons_password_erases_nobody_else(
    world, django_user_model, role, expected
):
    user = user_for(world, role, django_user_model)
    if user is not None:
        user.set_password("own-password")
        user.save()
    # The person's password does not erase another account, and never the person's.
    response = api(user).delete("/api/v1/me/", {"password": "treffpunkt"}, format="json")
    assert response.status_code == expected
    assert_person_untouched(world)
    if user is not None:
        user.refresh_from_db()
        assert user.is_active is True


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("person", 200),
        ("other", 404),
        ("staff", 404),
        ("organizer", 404),
        ("superuser", 404),
    ],
)
def test_only_the_person_downloads_their_archive(world, django_user_model, role, expected):
    export = build_export(DataExport.objects.create(user=world.person))
    user = user_for(world, role, django_user_model)
    response = web(user).get(reverse("privacy:download", args=[export.token]))
    close_streamed(response)
    assert response.status_code == expected
    assert_person_untouched(world)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("person", 302),
        ("other", 404),
        ("staff", 404),
        ("organizer", 404),
        ("superuser", 404),
    ],
)
def test_only_the_person_withdraws_their_consent(world, django_user_model, role, expected):
    consent = Consent.objects.get(user=world.person, document="lead_sharing")
    user = user_for(world, role, django_user_model)
    response = web(user).post(reverse("privacy:withdraw", args=[consent.pk]))
    assert response.status_code == expected
    consent.refresh_from_db()
    assert (consent.withdrawn_at is not None) == (role == "person")


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("person", 403),
        ("other", 403),
        ("staff", 403),
        ("organizer", 200),
        ("superuser", 200),
    ],
)
def test_only_organizers_edit_the_privacy_texts(world, django_user_model, role, expected):
    user = user_for(world, role, django_user_model)
    url = reverse("privacy:edit", kwargs={"slug": world.event.slug})
    assert web(user).get(url).status_code == expected
    response = web(user).post(
        url, {"text-kind": "imprint", "text-language": "de", "text-body": "Impressum X"}
    )
    assert world.event.legal_texts.exists() == (expected == 200)
    assert response.status_code == (302 if expected == 200 else expected)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 401),
        ("person", 403),
        ("other", 403),
        ("staff", 403),
        ("organizer", 200),
        ("superuser", 200),
    ],
)
def test_only_organizers_write_the_texts_over_rest(world, django_user_model, role, expected):
    user = user_for(world, role, django_user_model)
    url = f"/api/v1/events/{world.event.slug}/texts/"
    response = api(user).post(
        url, {"kind": "lead_sharing", "language": "de", "body": "Nur dieser Stand."}, format="json"
    )
    assert response.status_code == expected
    assert world.event.legal_texts.exists() == (expected == 200)
    listed = api(user).get(url)
    assert listed.status_code == 200
    assert len(listed.json()) == (1 if expected == 200 else 0)


# --- the access log -----------------------------------------------------------------------------


def reads(world):
    return sorted(
        AccessRecord.objects.exclude(pk__in=world.initial_reads).values_list(
            "actor__username", "subject__username", "what"
        )
    )


@pytest.fixture
def logged(world):
    world.initial_reads = list(AccessRecord.objects.values_list("pk", flat=True))
    return world


def test_lead_list_reads_are_recorded(logged):
    world = logged
    url = f"/api/v1/events/{world.event.slug}/exhibitors/{world.exhibitor.pk}/leads/"
    assert api(world.staff).get(url).status_code == 200
    assert reads(world) == [
        ("stella_staff", "otto_other", "expo.leads"),
        ("stella_staff", PERSON["username"], "expo.leads"),
    ]


def test_lead_csv_and_page_reads_are_recorded(logged):
    world = logged
    csv_url = reverse(
        "exhibitor-leads-csv-file",
        kwargs={"event_slug": world.event.slug, "pk": world.exhibitor.pk},
    )
    assert web(world.staff).get(csv_url).status_code == 200
    page = reverse("web:booth-leads", kwargs={"slug": world.event.slug, "pk": world.exhibitor.pk})
    assert web(world.staff).get(page).status_code == 200
    assert [what for _a, subject, what in reads(world) if subject == PERSON["username"]] == [
        "expo.leads",
        "expo.leads.csv",
    ]


def test_report_list_and_admin_user_page_reads_are_recorded(logged, django_user_model):
    world = logged
    api(world.organizer).get(f"/api/v1/events/{world.event.slug}/reports/")
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    admin_page = reverse("admin:auth_user_change", args=[world.person.pk])
    assert web(root).get(admin_page).status_code == 200
    mine = [(actor, what) for actor, subject, what in reads(world) if subject == PERSON["username"]]
    assert sorted(mine) == [("olga_organizer", "matchmaking.reports"), ("root", "admin.user")]
