"""Every response from /media/ is harmless whatever the stored file's name says."""

import pytest

from treffpunkt.media import MEDIA_CSP

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "expo").mkdir()
    return tmp_path / "expo"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("brochure.html", b"%PDF-<script>alert(1)</script>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("flyer.pdf", b"%PDF-1.7"),
        ("noext", b"<html><script>alert(1)</script>"),
    ],
)
def test_non_image_upload_is_an_attachment_of_no_active_type(client, media, name, content):
    (media / name).write_bytes(content)

    response = client.get(f"/media/expo/{name}")
    response.close()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_CSP


def test_logo_image_is_served_inline_as_image_with_sandbox(client, media):
    (media / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    response = client.get("/media/expo/logo.png")
    response.close()

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_CSP


def test_missing_media_file_is_404_with_the_same_headers(client, media):
    response = client.get("/media/expo/gone.html")

    assert response.status_code == 404
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_CSP


@pytest.mark.django_db
def test_pages_carry_the_web_client_csp(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
