from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accessibility.models import Captioner, RoomMedia, Statement
from accounts.models import Consent, RegistrationPolicy
from backoffice.models import Release
from congress.models import (
    Announcement,
    Event,
    Favourite,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
)
from congress.services import check_session
from demo.congress import SLUG, redate_event
from expo.models import (
    Category,
    ContactPerson,
    Exhibitor,
    ExhibitorStaff,
    ExpoSettings,
    Product,
)
from expo.uploads import check_logo
from matchmaking.models import Profile
from privacy.models import EventText, RetentionPolicy
from stage.models import RoomStage, StageSettings
from tests.demo.conftest import HASHERS

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, media_root):
    settings.MEDIA_ROOT = media_root


@pytest.fixture
def demo(seed_output):
    return Event.objects.get(slug=SLUG)


def snapshot(event):
    """What a re-run must leave unchanged: row counts and the programme, ids included."""
    return {
        "users": get_user_model().objects.count(),
        "registrations": sorted(
            Registration.objects.filter(event=event).values_list("user__username", "role")
        ),
        "rooms": list(Room.objects.filter(event=event).values_list("pk", "name", "capacity")),
        "tracks": list(Track.objects.filter(event=event).values_list("pk", "name", "color")),
        "speakers": list(Speaker.objects.filter(event=event).values_list("pk", "guid", "user")),
        "sessions": list(
            Session.objects.filter(event=event)
            .order_by("start", "title")
            .values_list("pk", "title", "start", "end", "room__name", "kind")
        ),
        "session_speakers": sorted(
            Session.speakers.through.objects.filter(session__event=event).values_list(
                "session_id", "speaker_id"
            )
        ),
        "exhibitors": list(Exhibitor.objects.filter(event=event).values_list("pk", "slug", "tier")),
        "categories": Category.objects.filter(event=event).count(),
        "exhibitor_categories": Exhibitor.categories.through.objects.filter(
            exhibitor__event=event
        ).count(),
        "staff": list(ExhibitorStaff.objects.values_list("exhibitor__slug", "user__username")),
        "favourites": sorted(Favourite.objects.values_list("user__username", "session__title")),
        "products": list(
            Product.objects.filter(exhibitor__event=event)
            .order_by("pk")
            .values_list("pk", "exhibitor__slug", "name", "link", "position")
        ),
        "contacts": list(
            ContactPerson.objects.filter(exhibitor__event=event)
            .order_by("pk")
            .values_list("pk", "exhibitor__slug", "name", "email")
        ),
        "booths": list(
            Exhibitor.objects.filter(event=event).values_list(
                "pk", "logo", "social_links", "video_url"
            )
        ),
        "expo_settings": list(ExpoSettings.objects.filter(event=event).values_list("pk")),
        "statement": list(Statement.objects.filter(event=event).values_list("pk", "updated_at")),
        "room_media": list(
            RoomMedia.objects.filter(room__event=event).values_list(
                "pk", "room__name", "captions_url", "sign_language_url"
            )
        ),
        "captioners": list(
            Captioner.objects.filter(session__event=event).values_list(
                "pk", "session_id", "user__username"
            )
        ),
        "legal_texts": list(
            EventText.objects.filter(event=event)
            .order_by("kind")
            .values_list("pk", "kind", "language", "version", "updated_at")
        ),
        "notice_version": list(
            RegistrationPolicy.objects.filter(event=event).values_list(
                "pk", "privacy_notice_version"
            )
        ),
        "consents": Consent.objects.filter(event=event).count(),
        "retention": list(
            RetentionPolicy.objects.filter(event=event).values_list("pk", "erase_after", "kinds")
        ),
        "stage_settings": list(
            StageSettings.objects.filter(event=event).values_list("pk", "embed_providers")
        ),
        "room_stages": RoomStage.objects.filter(room__event=event).count(),
        "announcements": list(
            Announcement.objects.filter(event=event)
            .order_by("pk")
            .values_list("pk", "text_de", "updated_at")
        ),
        "releases": list(Release.objects.filter(event=event).values_list("pk", "version")),
    }


def media_files(root):
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


def local_programme(event):
    """(day offset, local start, local end, title) for every session."""
    return sorted(
        (
            (session.start.astimezone(BERLIN).date() - event.start_date).days,
            session.start.astimezone(BERLIN).time(),
            session.end.astimezone(BERLIN).time(),
            session.title,
        )
        for session in event.sessions.all()
    )


def test_seed_demo_creates_the_demo_congress(demo):
    assert demo.name == "Digitale Städte – Digitale Regionen"
    assert (demo.acronym, demo.timezone, demo.languages) == (
        "dsdr2026",
        "Europe/Berlin",
        ["de", "en"],
    )
    assert demo.is_published is True
    assert demo.speakers.count() == 65
    assert demo.exhibitors.filter(status=Exhibitor.Status.PUBLISHED).count() == 41
    assert demo.sessions.exclude(kind=Session.Kind.BREAK).count() >= 60
    assert demo.rooms.count() >= 4
    assert demo.tracks.count() == 7
    registrations = Registration.objects.filter(event=demo)
    assert registrations.filter(role=Registration.Role.ATTENDEE).count() == 650
    assert registrations.filter(role=Registration.Role.SPEAKER).count() == 10
    assert demo.speakers.filter(user__isnull=False).count() == 10


def test_seed_demo_prints_one_line_per_step_and_the_accounts(seed_output):
    lines = seed_output.splitlines()
    assert "65 Sprecher*innen" in lines
    assert "7 Kategorien, 41 Aussteller" in lines
    assert "650 Teilnehmende" in lines
    expo = [line for line in lines if line.startswith("Expo: ")]
    assert len(expo) == 1 and expo[0].endswith(" Ansprechpersonen, 41 Logos"), expo
    assert "Demo-Zugänge" in lines
    accounts = lines[lines.index("Demo-Zugänge") + 1 :]
    for username in ("orga", "anna", "ben", "aussteller"):
        assert any(line.split()[0] == username and "treffpunkt" in line for line in accounts)


def test_seed_demo_event_runs_today_and_tomorrow_in_berlin(demo):
    today = timezone.localdate(timezone=BERLIN)
    assert (demo.start_date, demo.end_date) == (today, today + timedelta(days=1))
    opening = demo.sessions.order_by("start").first()
    assert opening.start.astimezone(BERLIN).hour == 9
    keynote = demo.sessions.get(kind=Session.Kind.KEYNOTE, start__date=today)
    assert keynote.room.name == "Hauptbühne"
    assert keynote.start.astimezone(BERLIN).strftime("%H:%M") == "09:30"


def test_seed_demo_every_session_passes_check_session(demo):
    sessions = demo.sessions.select_related("room").prefetch_related("speakers")
    for session in sessions:
        check_session(
            demo,
            session_id=session.pk,
            start=session.start,
            end=session.end,
            room=session.room,
            speakers=list(session.speakers.all()),
            capacity=session.capacity,
            state=session.state,
        )
    assert len(sessions) >= 60


def test_seed_demo_every_speaker_speaks(demo):
    assert demo.speakers.filter(sessions=None).count() == 0


def test_seed_demo_rooms_stream_from_example_org(demo):
    for room in demo.rooms.all():
        assert room.capacity > 0
        assert room.stream_url.startswith("https://stream.example.org/")


def test_seed_demo_exhibitors_have_one_to_three_categories(demo):
    for exhibitor in demo.exhibitors.prefetch_related("categories"):
        assert 1 <= len(exhibitor.categories.all()) <= 3, exhibitor.name
        assert exhibitor.website == f"https://{exhibitor.slug}.example.com"


def test_seed_demo_booths_have_products_contacts_and_links(demo):
    exhibitors = demo.exhibitors.prefetch_related("products", "contacts")
    for exhibitor in exhibitors:
        products = list(exhibitor.products.all())
        assert 1 <= len(products) <= 3, exhibitor.name
        assert len({product.name for product in products}) == len(products)
        for product in products:
            assert product.description
            assert product.link.startswith(f"https://{exhibitor.slug}.example.com/produkte/")
        contacts = list(exhibitor.contacts.all())
        assert 1 <= len(contacts) <= 2, exhibitor.name
        for contact in contacts:
            assert contact.name and contact.position
            assert contact.email.endswith(f"@{exhibitor.slug}.example.com")
        assert f"https://www.linkedin.com/company/{exhibitor.slug}" in exhibitor.social_links
        if exhibitor.tier == Exhibitor.Tier.PREMIUM:
            assert exhibitor.video_url == f"https://video.example.org/{exhibitor.slug}.mp4"
        else:
            assert exhibitor.video_url == ""
    assert len(exhibitors) == 41
    assert ExpoSettings.objects.get(event=demo).edits_need_review is True


def test_seed_demo_logos_are_pngs_that_pass_the_logo_check(demo, media_root):
    names = set()
    for exhibitor in demo.exhibitors.all():
        assert exhibitor.logo.name.startswith("expo/logos/"), exhibitor.name
        path = media_root / exhibitor.logo.name
        assert path.is_file()
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (256, 256)
        check_logo(SimpleUploadedFile("logo.png", path.read_bytes(), "image/png"))
        names.add(exhibitor.logo.name)
    assert len(names) == 41


@pytest.mark.parametrize("username", ["orga", "anna", "ben", "aussteller", "sprecher01"])
def test_seed_demo_account_logs_in_with_treffpunkt(seed_output, settings, username):
    settings.PASSWORD_HASHERS = HASHERS
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": "treffpunkt"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["token"]


def test_seed_demo_accounts_have_their_roles(demo):
    users = get_user_model().objects.in_bulk(["orga", "anna", "aussteller"], field_name="username")
    assert (users["orga"].is_staff, users["orga"].is_superuser) == (True, True)
    roles = dict(
        Registration.objects.filter(event=demo, user__in=users.values()).values_list(
            "user__username", "role"
        )
    )
    assert roles == {"orga": "organizer", "anna": "attendee", "aussteller": "exhibitor"}
    staff = ExhibitorStaff.objects.get(user=users["aussteller"])
    assert (staff.exhibitor.event, staff.role) == (demo, ExhibitorStaff.Role.ADMIN)
    assert Favourite.objects.filter(user=users["anna"], session__event=demo).count() == 3


def test_seed_demo_twice_leaves_the_same_data(demo, media_root):
    before, files = snapshot(demo), media_files(media_root)
    contents = {name: (media_root / name).read_bytes() for name in files}

    call_command("seed_demo", stdout=StringIO())

    assert snapshot(demo) == before
    assert media_files(media_root) == files
    assert {name: (media_root / name).read_bytes() for name in files} == contents


def test_seed_demo_restores_edited_booth_content(demo, media_root):
    before, files = snapshot(demo), media_files(media_root)
    booth = demo.exhibitors.get(name="Datenwerk Rhein-Main GmbH")
    booth.products.first().delete()
    Product.objects.create(exhibitor=booth, name="Extra")
    booth.contacts.all().delete()
    Exhibitor.objects.filter(pk=booth.pk).update(logo="", social_links=[], video_url="")

    call_command("seed_demo", stdout=StringIO())

    after = snapshot(demo)
    for rows in ("products", "contacts"):
        assert sorted(row[1:] for row in after[rows]) == sorted(row[1:] for row in before[rows])
    # Only the edited booth's rows were replaced.
    kept = {row for row in before["products"] if row[1] != booth.slug}
    assert kept <= set(after["products"])
    assert after["booths"] == before["booths"]
    assert media_files(media_root) == files


def test_seed_demo_if_empty_on_existing_demo_creates_nothing(demo):
    before = snapshot(demo)
    output = StringIO()

    call_command("seed_demo", "--if-empty", stdout=output)

    assert snapshot(demo) == before
    assert len(output.getvalue().splitlines()) == 1


def test_seed_demo_if_empty_moves_an_old_demo_to_today(demo):
    today = demo.start_date
    programme = local_programme(demo)
    redate_event(demo, today - timedelta(days=40))
    assert Event.objects.get(pk=demo.pk).start_date == today - timedelta(days=40)

    call_command("seed_demo", "--if-empty", stdout=StringIO())

    demo.refresh_from_db()
    assert (demo.start_date, demo.end_date) == (today, today + timedelta(days=1))
    assert local_programme(demo) == programme


def test_seed_demo_invitations_reach_the_outbox_through_the_worker(
    demo, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker recycles its connections between tasks; here the connection holds the test's
    # transaction (and the seed), so it must stay.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    # The import job queues its mails on commit; run the worker until nothing is left.
    for _round in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())

    assert sorted(message.to[0] for message in mailoutbox) == [
        "j.hoffmann@example.org",
        "m.yilmaz@example.org",
        "s.becker@example.org",
        "t.wagner@example.org",
    ]
    assert all("Digitale Städte" in message.subject for message in mailoutbox)


def test_seed_demo_prints_one_line_for_each_new_planner(seed_output):
    lines = seed_output.splitlines()
    for start in (
        "Barrierefreiheit: ",
        "Datenschutz: ",
        "Bühnen: ",
        "2 Ankündigungen ",
        "Programm-",
    ):
        assert sum(1 for line in lines if line.startswith(start)) == 1, start


def test_seed_demo_accessibility_statement_media_and_captioner(demo):
    statement = Statement.objects.get(event=demo)
    assert statement.conformance == Statement.Conformance.PARTIAL
    assert statement.body.startswith("Wir prüfen die Plattform mit axe-core")
    assert statement.limits == [
        "Aufzeichnungen erhalten Untertitel erst nach der Veranstaltung.",
        "Downloads und Videos der Aussteller sind deren Inhalte und nicht immer barrierefrei.",
        "Leichte Sprache und DGS nur für die Kerninformationen.",
    ]
    assert statement.contact_email == "barrierefreiheit@digitale-regionen.example"
    assert statement.prepared_on == demo.start_date
    assert statement.easy_language and statement.sign_language_video_url
    media = RoomMedia.objects.get(room__event=demo)
    assert media.room.name == "Hauptbühne"
    assert media.captions_url.endswith(".vtt") and media.sign_language_url
    captioner = Captioner.objects.get(session__event=demo)
    assert captioner.user.username == "orga"
    assert captioner.session == demo.sessions.filter(kind=Session.Kind.KEYNOTE).earliest("start")


def test_seed_demo_privacy_texts_consents_and_retention(demo):
    texts = {text.kind: text for text in EventText.objects.filter(event=demo, language="de")}
    assert set(texts) == {
        EventText.Kind.PRIVACY_NOTICE,
        EventText.Kind.IMPRINT,
        EventText.Kind.MATCHMAKING_VISIBILITY,
        EventText.Kind.LEAD_SHARING,
    }
    english = EventText.objects.filter(event=demo, language="en")
    assert set(english.values_list("kind", flat=True)) == set(EventText.CONSENTS) - {
        EventText.Kind.MAIL_NOTIFICATIONS
    }
    assert "90 Tage nach dem Ende" in texts[EventText.Kind.MATCHMAKING_VISIBILITY].body
    notice = texts[EventText.Kind.PRIVACY_NOTICE].body
    assert "Geschäftsstelle Smarte Region, Ministerium für Digitalisierung (Beispiel)" in notice
    assert "90 Tage nach dem Ende" in notice
    assert "Geschäftsstelle Smarte Region" in texts[EventText.Kind.IMPRINT].body
    policy = RegistrationPolicy.objects.get(event=demo)
    assert policy.privacy_notice == notice
    # Every registered demo person accepted the current notice, so no log-in is stopped.
    registered = Registration.objects.filter(event=demo).count()
    assert (
        Consent.objects.filter(
            event=demo,
            document=Consent.Document.PRIVACY_NOTICE,
            version=policy.privacy_notice_version,
        ).count()
        == registered
    )
    # Every visible demo profile rests on a consent to the current text.
    visible = Profile.objects.filter(event=demo, is_visible=True)
    assert visible.exists()
    assert set(
        Consent.objects.filter(
            event=demo, document=Consent.Document.MATCHMAKING_VISIBILITY, withdrawn_at=None
        ).values_list("user_id", "version")
    ) == {(user_id, "2") for user_id in visible.values_list("user_id", flat=True)}
    retention = RetentionPolicy.objects.get(event=demo)
    assert retention.erase_after == demo.end_date + timedelta(days=90)
    assert retention.kinds == ["leads", "chats", "visits", "profiles"]
    assert retention.done_at is None


def test_seed_demo_stage_settings_allow_youtube_and_rooms_keep_streams(demo):
    assert StageSettings.objects.get(event=demo).embed_providers == ["youtube"]
    assert RoomStage.objects.filter(room__event=demo).count() == 0
    assert all(room.stream_url for room in demo.rooms.all())


def test_seed_demo_announcements_are_not_mailed(demo):
    announcements = {item.audience: item for item in Announcement.objects.filter(event=demo)}
    assert set(announcements) == {"everyone", "speakers"}
    expo = announcements["everyone"]
    assert (expo.level, expo.send_mail) == ("info", False)
    assert expo.text_de == "Die Expo ist geöffnet: 41 Aussteller freuen sich auf Ihren Besuch."
    assert expo.text_en == "The expo is open: 41 exhibitors look forward to your visit."
    speakers = announcements["speakers"]
    assert (speakers.level, speakers.send_mail) == ("warning", False)
    assert "Mikrofon 15 Minuten" in speakers.text_de
    assert speakers.text_en.startswith("Please test your microphone")


def test_seed_demo_publishes_release_v1_once(demo):
    release = Release.objects.get(event=demo)
    assert (release.version, release.note) == ("v1", "Erstes veröffentlichtes Programm")
    assert demo.release_version == "v1"
    assert len(release.snapshot) == demo.sessions.count()


def test_seed_demo_if_empty_moves_the_retention_date_along(demo):
    today = demo.start_date
    redate_event(demo, today - timedelta(days=40))
    erase_after = RetentionPolicy.objects.get(event=demo).erase_after
    assert erase_after == today - timedelta(days=40) + timedelta(days=1 + 90)

    call_command("seed_demo", "--if-empty", stdout=StringIO())

    assert RetentionPolicy.objects.get(event=demo).erase_after == today + timedelta(days=1 + 90)
