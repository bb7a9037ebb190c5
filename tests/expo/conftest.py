import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded logos and PDFs land in a per-test directory, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
