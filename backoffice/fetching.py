"""Fetch a schedule file from a URL the organizer gave: https (or http), bounded in size and time."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from .formats import FormatError

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30


def fetch_schedule(url):
    """The bytes at ``url``; FormatError (field ``url``) if it cannot be read."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FormatError(_("Only http and https URLs can be imported."), field="url")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": "Treffpunkt-Import/1", "Accept": "application/json, */*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FormatError(
            _("The schedule could not be fetched: %(error)s")
            % {"error": getattr(error, "reason", error)},
            field="url",
            code="fetch_failed",
        ) from None
    if len(data) > MAX_BYTES:
        raise FormatError(_("The schedule is larger than 20 MB."), field="url", code="too_large")
    return data
