import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded logos and PDFs land in a per-test directory, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_user():
    """Token-authenticated API clients that ask for English, the language the assertions use."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def login(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return login


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient(HTTP_ACCEPT_LANGUAGE="en")
