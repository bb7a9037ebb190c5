"""The hall list, can_edit, booth edits and the review flow."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from expo.models import BoothRevision, Category, Exhibitor, ExhibitorStaff, ExpoSettings
from tests.factories import CategoryFactory, ExhibitorFactory, ExhibitorStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def hall_url(event):
    return f"/api/v1/events/{event.slug}/exhibitors/"


def booth_url(booth):
    return f"{hall_url(booth.event)}{booth.pk}/"


@pytest.fixture
def staff(event):
    user = UserFactory(username="stella")
    return user


def make_booths(event, count, staff):
    for _ in range(count):
        booth = ExhibitorFactory(event=event)
        booth.categories.set(CategoryFactory.create_batch(2, event=event))
        ExhibitorStaffFactory(exhibitor=booth, user=staff)


# Event (1), token with user (1), organizer role (1), count and page (2), categories (1).
@pytest.mark.parametrize("count", [1, 3])
def test_hall_list_query_count_is_constant(event, staff, as_user, count, django_assert_num_queries):
    make_booths(event, count, staff)
    client = as_user(staff)

    with django_assert_num_queries(6):
        response = client.get(hall_url(event))

    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    assert {item["can_edit"] for item in response.json()["results"]} == {True}


def test_can_edit_per_booth_and_own_drafts_listed(event, staff, as_user, attendee, organizer):
    own = ExhibitorFactory(event=event, name="Eigen AG")
    own_draft = ExhibitorFactory(event=event, name="Entwurf AG", status="draft")
    ExhibitorFactory(event=event, name="Fremd AG")
    ExhibitorFactory(event=event, name="Fremder Entwurf AG", status="draft")
    for booth in (own, own_draft):
        ExhibitorStaffFactory(exhibitor=booth, user=staff)

    def seen_by(user):
        items = as_user(user).get(hall_url(event) + "?ordering=name").json()["results"]
        return [(item["name"], item["can_edit"]) for item in items]

    assert seen_by(staff) == [("Eigen AG", True), ("Entwurf AG", True), ("Fremd AG", False)]
    assert seen_by(attendee) == [("Eigen AG", False), ("Fremd AG", False)]
    assert seen_by(organizer) == [
        ("Eigen AG", True),
        ("Entwurf AG", True),
        ("Fremd AG", True),
        ("Fremder Entwurf AG", True),
    ]


def test_staff_edit_of_published_booth_waits_as_revision_while_old_text_stays(
    event, staff, organizer, as_user, api
):
    booth = ExhibitorFactory(event=event, tagline="Alt")
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    category = CategoryFactory(event=event)

    response = as_user(staff).patch(
        booth_url(booth),
        {"tagline": "Neu", "category_ids": [category.pk], "social_links": ["https://x.example"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["tagline"]) == ("published", "Alt")
    assert response.json()["pending_revision"]["fields"] == {
        "tagline": "Neu",
        "social_links": ["https://x.example"],
    }
    assert response.json()["pending_revision"]["category_ids"] == [category.pk]
    public = api.get(booth_url(booth))
    assert public.status_code == 200
    assert (public.json()["tagline"], public.json()["pending_revision"]) == ("Alt", None)
    booth.refresh_from_db()
    assert (booth.tagline, booth.status, list(booth.categories.all())) == ("Alt", "published", [])

    approved = as_user(organizer).post(booth_url(booth) + "approve/")

    assert approved.status_code == 200, approved.content
    assert (approved.json()["tagline"], approved.json()["status"]) == ("Neu", "published")
    booth.refresh_from_db()
    assert (booth.tagline, booth.social_links) == ("Neu", ["https://x.example"])
    assert list(booth.categories.all()) == [category]
    assert api.get(booth_url(booth)).json()["tagline"] == "Neu"
    assert BoothRevision.objects.count() == 0


def test_rejected_revision_is_dropped_and_the_booth_unchanged(event, staff, organizer, as_user):
    booth = ExhibitorFactory(event=event, tagline="Alt")
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    as_user(staff).patch(booth_url(booth), {"tagline": "Neu"}, format="json")

    rejected = as_user(organizer).post(booth_url(booth) + "reject/", {"note": "Bitte sachlich"})

    assert rejected.status_code == 200, rejected.content
    booth.refresh_from_db()
    assert (booth.tagline, booth.status, booth.review_note) == (
        "Alt",
        "published",
        "Bitte sachlich",
    )
    assert BoothRevision.objects.count() == 0


def test_edit_that_changes_nothing_leaves_no_revision(event, staff, as_user):
    booth = ExhibitorFactory(event=event, tagline="Alt", description="Text")
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    client = as_user(staff)
    client.patch(booth_url(booth), {"tagline": "Neu"}, format="json")

    response = client.patch(
        booth_url(booth), {"tagline": "Alt", "description": "Text"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["pending_revision"] is None
    assert BoothRevision.objects.count() == 0


def test_invalid_revision_is_refused_and_nothing_stored(event, staff, as_user):
    booth = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=booth, user=staff)

    response = as_user(staff).patch(booth_url(booth), {"name": ""}, format="json")

    assert response.status_code == 400
    assert BoothRevision.objects.count() == 0


def test_approving_a_published_booth_without_revision_is_refused(event, organizer, as_user):
    booth = ExhibitorFactory(event=event)

    response = as_user(organizer).post(booth_url(booth) + "approve/")

    assert response.status_code == 400
    assert Exhibitor.objects.values_list("status", flat=True).get() == "published"


def test_staff_edit_stays_published_when_event_needs_no_review(event, staff, as_user):
    ExpoSettings.objects.create(event=event, edits_need_review=False)
    booth = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=booth, user=staff)

    as_user(staff).patch(booth_url(booth), {"tagline": "Neu"}, format="json")

    assert Exhibitor.objects.values_list("tagline", "status").get() == ("Neu", "published")


def test_organizer_edit_stays_published(event, organizer, as_user):
    booth = ExhibitorFactory(event=event)

    as_user(organizer).patch(booth_url(booth), {"tier": "premium"}, format="json")

    assert Exhibitor.objects.values_list("tier", "status").get() == ("premium", "published")


def test_staff_cannot_change_the_tier(event, staff, as_user):
    booth = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=booth, user=staff)

    response = as_user(staff).patch(booth_url(booth), {"tier": "premium"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"tier": ["Only organizers change this."]}
    assert Exhibitor.objects.values_list("tier", "status").get() == ("standard", "published")


def test_category_of_another_event_is_refused(event, staff, as_user):
    booth = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    foreign = CategoryFactory()

    response = as_user(staff).patch(booth_url(booth), {"category_ids": [foreign.pk]}, format="json")

    assert response.status_code == 400
    assert booth.categories.count() == 0
    assert Category.objects.count() == 1


def png(colour, name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload_logo(client, booth, colour):
    return client.post(booth_url(booth) + "logo/", {"logo": png(colour)}, format="multipart")


@pytest.fixture
def booth_with_logo(event, staff):
    booth = ExhibitorFactory(event=event)
    booth.logo.save("alt.png", ContentFile(png("white").read()), save=True)
    ExhibitorStaffFactory(exhibitor=booth, user=staff)
    return booth


def colour_of(field_file):
    with field_file.open("rb") as stored, Image.open(stored) as image:
        return image.getpixel((0, 0))


def test_staff_logo_of_published_booth_waits_for_review_while_old_logo_stays(
    booth_with_logo, staff, organizer, as_user, api, django_capture_on_commit_callbacks
):
    booth = booth_with_logo
    old = booth.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        first = upload_logo(as_user(staff), booth, "red")
        second = upload_logo(as_user(staff), booth, "blue")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["logo"].endswith(old)
    pending = second.json()["pending_revision"]["logo"]
    assert pending.startswith("http://testserver/media/expo/logos/")
    assert as_user(organizer).get(booth_url(booth)).json()["pending_revision"]["logo"] == pending
    public = api.get(booth_url(booth)).json()
    assert (public["logo"].endswith(old), public["pending_revision"]) == (True, None)
    booth.refresh_from_db()
    assert (booth.logo.name, colour_of(booth.logo)) == (old, (255, 255, 255))
    # Only the second upload waits; the first one's file is gone.
    assert [colour_of(BoothRevision.objects.get().logo)] == [(0, 0, 255)]
    assert sorted(booth.logo.storage.listdir("expo/logos")[1]) == sorted(
        [old.rsplit("/", 1)[1], pending.rsplit("/", 1)[1]]
    )

    with django_capture_on_commit_callbacks(execute=True):
        approved = as_user(organizer).post(booth_url(booth) + "approve/")

    assert approved.status_code == 200, approved.content
    assert api.get(booth_url(booth)).json()["logo"] == pending
    booth.refresh_from_db()
    assert colour_of(booth.logo) == (0, 0, 255)
    assert booth.logo.storage.listdir("expo/logos")[1] == [pending.rsplit("/", 1)[1]]
    assert BoothRevision.objects.count() == 0


def test_rejected_logo_is_dropped_with_its_file(
    booth_with_logo, staff, organizer, as_user, django_capture_on_commit_callbacks
):
    booth = booth_with_logo
    old = booth.logo.name
    upload_logo(as_user(staff), booth, "red")

    with django_capture_on_commit_callbacks(execute=True):
        rejected = as_user(organizer).post(booth_url(booth) + "reject/", {"note": "Zu bunt"})

    assert rejected.status_code == 200, rejected.content
    booth.refresh_from_db()
    assert (booth.logo.name, booth.review_note) == (old, "Zu bunt")
    assert booth.logo.storage.listdir("expo/logos")[1] == [old.rsplit("/", 1)[1]]
    assert BoothRevision.objects.count() == 0


def test_logo_waits_together_with_text_edits(booth_with_logo, staff, organizer, as_user, api):
    booth = booth_with_logo
    as_user(staff).patch(booth_url(booth), {"tagline": "Neu"}, format="json")
    upload_logo(as_user(staff), booth, "red")

    revision = BoothRevision.objects.get()
    assert (revision.fields, revision.changed) == ({"tagline": "Neu"}, ["tagline", "logo"])
    as_user(organizer).post(booth_url(booth) + "approve/")

    public = api.get(booth_url(booth)).json()
    booth.refresh_from_db()
    assert (public["tagline"], colour_of(booth.logo)) == ("Neu", (255, 0, 0))


@pytest.mark.parametrize("who", ["organizer", "staff without review"])
def test_logo_applies_at_once_for_organizers_and_events_without_review(
    booth_with_logo, staff, organizer, as_user, api, who
):
    booth = booth_with_logo
    if who == "staff without review":
        ExpoSettings.objects.create(event=booth.event, edits_need_review=False)

    response = upload_logo(as_user(organizer if who == "organizer" else staff), booth, "red")

    assert response.status_code == 200, response.content
    assert response.json()["pending_revision"] is None
    booth.refresh_from_db()
    assert api.get(booth_url(booth)).json()["logo"].endswith(booth.logo.name)
    assert colour_of(booth.logo) == (255, 0, 0)
    assert BoothRevision.objects.count() == 0


def test_review_flow_draft_submitted_published(event, staff, organizer, as_user):
    booth = ExhibitorFactory(event=event, status="draft")
    ExhibitorStaffFactory(exhibitor=booth, user=staff)

    assert as_user(staff).post(booth_url(booth) + "submit/").json()["status"] == "submitted"
    rejected = as_user(organizer).post(booth_url(booth) + "reject/", {"note": "Logo fehlt"})
    assert (rejected.json()["status"], rejected.json()["review_note"]) == ("draft", "Logo fehlt")
    as_user(staff).post(booth_url(booth) + "submit/")
    approved = as_user(organizer).post(booth_url(booth) + "approve/")
    assert (approved.json()["status"], approved.json()["review_note"]) == ("published", "")


def test_approving_a_draft_is_refused(event, organizer, as_user):
    booth = ExhibitorFactory(event=event, status="draft")

    response = as_user(organizer).post(booth_url(booth) + "approve/")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    assert Exhibitor.objects.get().status == "draft"


def test_last_booth_admin_cannot_be_removed(event, organizer, as_user):
    booth = ExhibitorFactory(event=event)
    admin = ExhibitorStaffFactory(exhibitor=booth, role="admin")

    response = as_user(organizer).delete(booth_url(booth) + f"staff/{admin.pk}/")

    assert response.status_code == 400
    assert ExhibitorStaff.objects.count() == 1


def test_booth_admin_adds_staff(event, as_user):
    booth = ExhibitorFactory(event=event)
    admin = ExhibitorStaffFactory(exhibitor=booth, role="admin")
    new = UserFactory(username="neu")

    response = as_user(admin.user).post(booth_url(booth) + "staff/", {"username": "neu"})

    assert response.status_code == 201
    membership = ExhibitorStaff.objects.get(user=new)
    assert response.json() == {
        "id": membership.pk,
        "user": new.pk,
        "username": "neu",
        "role": "staff",
    }
