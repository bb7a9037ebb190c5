"""Logos and PDFs are checked by their content, never by their name."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from expo.models import Download, Exhibitor
from tests.factories import ExhibitorFactory, ExhibitorStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booth(event):
    # A booth in preparation: its logo applies at once (published booths: test_booths.py).
    return ExhibitorFactory(event=event, status=Exhibitor.Status.DRAFT)


@pytest.fixture
def staff_client(booth, as_user):
    user = UserFactory(username="stella")
    ExhibitorStaffFactory(exhibitor=booth, user=user, role="admin")
    return as_user(user)


def image_file(size=(200, 100), image_format="PNG", name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 94, 168)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload_logo(client, booth, upload):
    url = f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/logo/"
    return client.post(url, {"logo": upload}, format="multipart")


def test_real_png_is_stored(staff_client, booth):
    response = upload_logo(staff_client, booth, image_file())

    assert response.status_code == 200, response.content
    booth.refresh_from_db()
    assert re.fullmatch(r"expo/logos/[0-9a-f]{32}\.png", booth.logo.name)
    with booth.logo.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (200, 100))
    assert response.json()["logo"].endswith(booth.logo.name)


def test_webp_and_jpeg_are_accepted(staff_client, booth):
    assert upload_logo(staff_client, booth, image_file(image_format="WEBP")).status_code == 200
    assert upload_logo(staff_client, booth, image_file(image_format="JPEG")).status_code == 200


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(
            SimpleUploadedFile("logo.png", b"<?php echo 1; ?>" * 10, content_type="image/png"),
            "The logo must be a PNG, JPEG or WebP image.",
            id="text renamed .png",
        ),
        pytest.param(
            SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 3 * 1024 * 1024),
            "The logo may be at most 2 MB.",
            id="oversized",
        ),
        pytest.param(
            image_file(size=(16, 16)),
            "The logo must be between 32 and 4000 pixels wide and high.",
            id="tiny",
        ),
        pytest.param(
            image_file(size=(4001, 40)),
            "The logo must be between 32 and 4000 pixels wide and high.",
            id="huge",
        ),
        pytest.param(
            image_file(image_format="GIF", name="logo.png"),
            "The logo must be a PNG, JPEG or WebP image.",
            id="gif renamed .png",
        ),
    ],
)
def test_bad_logo_is_refused_and_nothing_stored(staff_client, booth, upload, message, settings):
    response = upload_logo(staff_client, booth, upload)

    assert response.status_code == 400
    assert response.json() == {"logo": [message]}
    assert Exhibitor.objects.get(pk=booth.pk).logo.name == ""
    logo_directory = settings.MEDIA_ROOT / "expo" / "logos"
    assert not logo_directory.exists() or list(logo_directory.iterdir()) == []


def upload_download(client, booth, content, name="info.pdf"):
    url = f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/downloads/"
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url, {"title": "Broschüre", "file": upload}, format="multipart")


def test_pdf_download_is_stored(staff_client, booth):
    response = upload_download(staff_client, booth, b"%PDF-1.7\n%minimal\n")

    assert response.status_code == 201, response.content
    download = Download.objects.get()
    assert re.fullmatch(r"expo/downloads/[0-9a-f]{32}\.pdf", download.file.name)


def test_non_pdf_download_is_refused(staff_client, booth):
    response = upload_download(staff_client, booth, b"MZ\x90\x00 not a pdf")

    assert response.status_code == 400
    assert response.json() == {"file": ["A download must be a PDF file."]}
    assert Download.objects.count() == 0


def test_oversized_pdf_is_refused(staff_client, booth):
    response = upload_download(staff_client, booth, b"%PDF-" + b"0" * (10 * 1024 * 1024))

    assert response.status_code == 400
    assert response.json() == {"file": ["A download may be at most 10 MB."]}
    assert Download.objects.count() == 0


def test_download_needs_file_or_link(staff_client, booth):
    url = f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/downloads/"
    response = staff_client.post(url, {"title": "Leer"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"file": ["A download needs a PDF file or a link."]}


def test_pdf_named_html_is_stored_under_a_generated_pdf_name(staff_client, booth):
    upload = SimpleUploadedFile(
        "brochure.html", b"%PDF-<script>alert(document.cookie)</script>", content_type="text/html"
    )
    url = f"/api/v1/events/{booth.event.slug}/exhibitors/{booth.pk}/downloads/"

    response = staff_client.post(url, {"title": "Prospekt", "file": upload}, format="multipart")

    assert response.status_code == 201, response.content
    stored = Download.objects.get(exhibitor=booth).file.name
    assert re.fullmatch(r"expo/downloads/[0-9a-f]{32}\.pdf", stored)


def test_logo_keeps_no_uploaded_name_only_the_detected_type(staff_client, booth):
    response = upload_logo(staff_client, booth, image_file(image_format="JPEG", name="x.html"))

    assert response.status_code == 200, response.content
    booth.refresh_from_db()
    assert re.fullmatch(r"expo/logos/[0-9a-f]{32}\.jpg", booth.logo.name)
