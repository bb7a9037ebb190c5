"""Fetch a schedule file from a URL the organizer gave: https (or http), bounded in size and time."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from treffpunkt import outbound

from .formats import FormatError

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30


def fetch_schedule(url):
    """The bytes at ``url``; FormatError (field ``url``) if it cannot be read.

    Only from public addresses (and ``OUTBOUND_ALLOWED_NETWORKS``; loopback where
    ``OUTBOUND_ALLOW_LOOPBACK``), redirects included: ``treffpunkt.outbound``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FormatError(_("Only http and https URLs can be imported."), field="url")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": "Treffpunkt-Import/1", "Accept": "application/json, */*"}
    )
    try:
        with outbound.urlopen(
            request, timeout=TIMEOUT_SECONDS, allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK
        ) as response:
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        if isinstance(getattr(error, "reason", None), outbound.LocalAddressRefused):
            raise FormatError(
                _(
                    "The schedule can only be fetched from a public address, not from a local "
                    "or private network."
                ),
                field="url",
                code="private_address",
            ) from None
        raise FormatError(
            _("The schedule could not be fetched: %(error)s")
            % {"error": getattr(error, "reason", error)},
            field="url",
            code="fetch_failed",
        ) from None
    if len(data) > MAX_BYTES:
        raise FormatError(_("The schedule is larger than 20 MB."), field="url", code="too_large")
    return data
