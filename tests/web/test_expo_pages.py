"""The expo pages of the web client: hall, booth, lead form, editor and lead list."""

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from expo.models import BoothVisit, ExpoSettings, Lead
from expo.models import Exhibitor as Booth
from tests.factories import (
    CategoryFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def hall_url(event):
    return f"/events/{event.slug}/expo/"


def booth_url(booth):
    return f"/events/{booth.event.slug}/expo/{booth.pk}/"


@pytest.fixture
def booth(event):
    return ExhibitorFactory(event=event, name="Datenwerk GmbH", tagline="Offene Daten")


@pytest.fixture
def aussteller(booth):
    user = UserFactory(username="aussteller")
    ExhibitorStaffFactory(exhibitor=booth, user=user, role="admin")
    return user


def test_hall_groups_booths_by_tier_premium_first(client, event):
    ExhibitorFactory(event=event, name="Anfang AG", tier=Booth.Tier.STARTUP)
    ExhibitorFactory(event=event, name="Zentrale AG", tier=Booth.Tier.PREMIUM)
    ExhibitorFactory(event=event, name="Mitte GmbH", tier=Booth.Tier.STANDARD)
    ExhibitorFactory(event=event, name="Entwurf AG", status=Booth.Status.DRAFT)

    response = client.get(hall_url(event))

    html = response.content.decode()
    assert response.status_code == 200
    assert [
        (group.tier, [b.name for b in group.exhibitors]) for group in response.context["tiers"]
    ] == [
        ("premium", ["Zentrale AG"]),
        ("standard", ["Mitte GmbH"]),
        ("startup", ["Anfang AG"]),
    ]
    assert "card-list--wide" in html
    assert html.index("Zentrale AG") < html.index("Mitte GmbH") < html.index("Anfang AG")
    assert "Entwurf AG" not in html
    assert "Premium-Partner" in html


def test_hall_filters_by_category_and_search(client, event):
    software, hardware = (
        CategoryFactory(event=event, name="Software", slug="software"),
        CategoryFactory(event=event, name="Hardware", slug="hardware"),
    )
    ExhibitorFactory(event=event, name="Code AG", tagline="Apps für Kommunen").categories.set(
        [software]
    )
    ExhibitorFactory(event=event, name="Blech GmbH").categories.set([hardware])

    by_category = client.get(hall_url(event), {"category": "software"})
    by_text = client.get(hall_url(event), {"q": "kommunen"})
    both = client.get(hall_url(event), {"q": "kommunen", "category": "hardware"})

    assert [b.name for b in by_category.context["exhibitors"]] == ["Code AG"]
    assert 'aria-current="true">Software</a>' in by_category.content.decode()
    assert [b.name for b in by_text.context["exhibitors"]] == ["Code AG"]
    assert both.context["exhibitors"] == []
    assert "Kein Aussteller passt zu diesen Filtern." in both.content.decode()


def test_booth_page_shows_sanitized_description(client, booth):
    booth.description = "## Über uns\n\n**Daten** für alle.\n\n<script>alert(1)</script>\n"
    booth.website = "https://datenwerk.example"
    booth.save()

    response = client.get(booth_url(booth))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Über uns</h2>" in html
    assert "<strong>Daten</strong>" in html
    assert "<script>alert" not in html
    assert "alert(1)" not in html
    assert 'href="https://datenwerk.example"' in html


def test_draft_booth_is_404_for_attendees_and_shown_to_its_staff(client, attendee, event):
    draft = ExhibitorFactory(event=event, status=Booth.Status.DRAFT)
    staff = UserFactory(username="stella")
    ExhibitorStaffFactory(exhibitor=draft, user=staff)

    client.force_login(attendee)
    assert client.get(booth_url(draft)).status_code == 404
    client.force_login(staff)
    assert client.get(booth_url(draft)).status_code == 200


def test_booth_page_view_by_attendee_records_a_visit(client, attendee, booth):
    client.force_login(attendee)

    client.get(booth_url(booth))
    client.get(booth_url(booth))

    assert BoothVisit.objects.filter(exhibitor=booth, user=attendee).count() == 1


def test_lead_form_requires_consent(client, attendee, booth):
    client.force_login(attendee)

    response = client.post(
        booth_url(booth) + "lead/", {"action": "leave", "message": "Bitte anrufen"}
    )

    assert response.status_code == 400
    assert not Lead.objects.exists()
    assert "Bitte bestätigen Sie Ihre Einwilligung" in response.content.decode()


def test_lead_with_consent_is_shown_and_withdraw_removes_it(client, attendee, booth):
    client.force_login(attendee)
    page = client.get(booth_url(booth)).content.decode()
    assert "Kontakt hinterlassen" in page

    response = client.post(
        booth_url(booth) + "lead/", {"action": "leave", "consent": "on", "message": "Rückruf"}
    )

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.user, lead.message) == (attendee, "Rückruf")
    page = client.get(booth_url(booth)).content.decode()
    assert "Einwilligung widerrufen" in page
    assert "Rückruf" in page

    client.post(booth_url(booth) + "lead/", {"action": "withdraw"})

    assert not Lead.objects.exists()


def test_lead_needs_login(client, booth):
    response = client.post(booth_url(booth) + "lead/", {"action": "leave", "consent": "on"})

    assert response.status_code == 302
    assert not Lead.objects.exists()


def test_editor_is_forbidden_for_attendees_and_other_booths_staff(client, attendee, event, booth):
    other = ExhibitorFactory(event=event)
    foreign_staff = UserFactory(username="fremd")
    ExhibitorStaffFactory(exhibitor=other, user=foreign_staff)

    client.force_login(attendee)
    assert client.get(booth_url(booth) + "edit/").status_code == 403
    assert client.post(booth_url(booth) + "edit/", {"tagline": "X"}).status_code == 403
    client.force_login(foreign_staff)
    assert client.get(booth_url(booth) + "edit/").status_code == 403
    booth.refresh_from_db()
    assert booth.tagline == "Offene Daten"


def test_editor_edit_of_a_published_booth_waits_for_review_while_the_old_text_shows(
    client, aussteller, booth
):
    client.force_login(aussteller)
    page = client.get(booth_url(booth))
    assert "Stand bearbeiten" in page.content.decode()
    assert client.get(booth_url(booth) + "edit/").status_code == 200
    old_tagline = booth.tagline

    response = client.post(
        booth_url(booth) + "edit/",
        {"tagline": "Neue Daten", "description": "Text", "website": "", "video_url": ""},
        follow=True,
    )

    booth.refresh_from_db()
    html = response.content.decode()
    assert (booth.tagline, booth.status) == (old_tagline, Booth.Status.PUBLISHED)
    with translation.override("de"):
        waiting = gettext(
            "The changes await review: visitors see the published booth until "
            "an organizer has approved them."
        )
    assert waiting in html
    assert 'value="Neue Daten"' in html
    client.logout()
    public = client.get(booth_url(booth))
    assert public.status_code == 200
    assert old_tagline in public.content.decode()
    assert "Neue Daten" not in public.content.decode()


def test_editor_without_review_keeps_the_booth_published(client, aussteller, booth, event):
    ExpoSettings.objects.create(event=event, edits_need_review=False)
    client.force_login(aussteller)

    client.post(booth_url(booth) + "edit/", {"tagline": "Neue Daten"})

    booth.refresh_from_db()
    assert (booth.tagline, booth.status) == ("Neue Daten", Booth.Status.PUBLISHED)


def test_editor_refuses_a_logo_that_is_no_image(client, aussteller, booth):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(aussteller)
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")

    response = client.post(booth_url(booth) + "edit/", {"tagline": "Neu", "logo": fake})

    booth.refresh_from_db()
    assert response.status_code == 400
    assert not booth.logo
    assert booth.tagline == "Offene Daten"


def test_lead_list_for_staff_only(client, attendee, organizer, aussteller, booth):
    Lead.objects.create(
        exhibitor=booth,
        user=attendee,
        consent=True,
        consented_at="2026-06-10T10:00Z",
        message="Hallo",
    )
    BoothVisit.objects.create(exhibitor=booth, user=attendee, day="2026-06-10")

    client.force_login(attendee)
    assert client.get(booth_url(booth) + "leads/").status_code == 403
    client.force_login(organizer)
    assert client.get(booth_url(booth) + "leads/").status_code == 403
    client.force_login(aussteller)
    response = client.get(booth_url(booth) + "leads/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "anna@example.org" in html
    assert "Hallo" in html
    assert f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/leads.csv" in html
    assert "CSV herunterladen" in html
    assert response.context["stats"]["unique_visitors"] == 1
    csv = client.get(f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/leads.csv")
    assert csv.status_code == 200
    assert "anna@example.org" in csv.content.decode()


def test_english_after_language_switch(client, booth):
    client.post("/i18n/setlang/", {"language": "en", "next": hall_url(booth.event)})

    html = client.get(hall_url(booth.event)).content.decode()

    assert "Search exhibitors" in html


@pytest.mark.parametrize("count", [1, 3])
def test_hall_query_count_is_constant_for_attendee(
    client, attendee, event, count, django_assert_num_queries
):
    category = CategoryFactory(event=event)
    for _index in range(count):
        ExhibitorFactory(event=event).categories.set([category])
    client.force_login(attendee)

    # session, user, event, organizer role, booths with can_edit, their categories, own leads
    with django_assert_num_queries(7):
        response = client.get(hall_url(event))

    assert response.status_code == 200
    assert len(response.context["exhibitors"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_booth_page_query_count_is_constant(
    client, attendee, booth, count, django_assert_num_queries
):
    from expo.models import ContactPerson, Download, Product

    booth.categories.set([CategoryFactory(event=booth.event)])
    for index in range(count):
        Product.objects.create(exhibitor=booth, name=f"Produkt {index}")
        Download.objects.create(
            exhibitor=booth, title=f"Broschüre {index}", link="https://x.example"
        )
        ContactPerson.objects.create(exhibitor=booth, name=f"Person {index}")
    client.force_login(attendee)
    client.get(booth_url(booth))  # the day's visit exists from here on

    # event, session, user, role, booth, categories, products, downloads, contacts, staff role,
    # visit (savepoint, get, release), the user's lead, the lead consent's text
    with django_assert_num_queries(15):
        response = client.get(booth_url(booth))

    assert response.status_code == 200
    assert response.content.decode().count("Produkt ") == count


def test_editor_logo_waits_for_the_organizers_approval_before_the_hall_shows_it(
    client, aussteller, organizer, booth
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#005ea8").save(buffer, format="PNG")
    upload = SimpleUploadedFile("logo.txt", buffer.getvalue(), content_type="text/plain")
    client.force_login(aussteller)

    response = client.post(booth_url(booth) + "edit/", {"tagline": "Neu", "logo": upload})

    booth.refresh_from_db()
    assert response.status_code == 302
    assert not booth.logo
    pending = booth.pending_revision.logo.url
    editor = client.get(booth_url(booth) + "edit/").content.decode()
    assert f'src="{pending}" alt=""> Neues Logo, wartet auf Prüfung' in editor
    assert "exhibitor__logo" not in client.get(hall_url(booth.event)).content.decode()

    client.force_login(organizer)
    control_room = f"/events/{booth.event.slug}/regie/"
    queue = client.get(control_room).content.decode()
    assert "Änderungen warten auf Prüfung: Slogan, Logo" in queue
    assert f'src="{pending}"' in queue
    client.post(control_room + f"booths/{booth.pk}/review/", {"decision": "approve"})

    booth.refresh_from_db()
    assert (booth.logo.url, booth.tagline) == (pending, "Neu")
    html = client.get(hall_url(booth.event)).content.decode()
    assert f'<img class="exhibitor__logo" src="{pending}"' in html


def test_consent_can_be_withdrawn_while_the_booth_is_hidden(client, attendee, event):
    booth = ExhibitorFactory(event=event, name="Datenwerk GmbH")
    Lead.objects.create(exhibitor=booth, user=attendee, consent=True, consented_at=timezone.now())
    Booth.objects.filter(pk=booth.pk).update(status=Booth.Status.SUBMITTED)
    client.force_login(attendee)

    hall = client.get(hall_url(event)).content.decode()
    assert client.get(f"/events/{event.slug}/expo/{booth.pk}/").status_code == 404
    response = client.post(f"/events/{event.slug}/expo/{booth.pk}/lead/", {"action": "withdraw"})

    assert "Datenwerk GmbH" in hall
    assert f"/expo/{booth.pk}/lead/" in hall
    assert response.status_code == 302
    assert response["Location"] == hall_url(event)
    assert not Lead.objects.exists()
