"""Serving uploads so that no uploaded file ever runs as a page of this origin.

Uploads are stored under generated names with an extension taken from their checked content
(``expo/uploads.py``), but files stored before that, or put into ``MEDIA_ROOT`` by hand, may carry
any name. So every response from ``/media/`` is made harmless here whatever its name says:
only the image types a booth logo may have are served inline, as themselves; everything else is
an ``application/octet-stream`` attachment. All of them get ``nosniff`` and a sandboxing CSP, so
even a browser that rendered the bytes would run no script with this origin's rights.

``deploy/nginx.conf`` (and the nginx example in ``docs/deployment.md``) apply the same headers
where nginx serves ``/media/`` itself.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404, HttpResponseNotFound
from django.views.static import serve

# Served inline (an <img> needs that); the upload check admits nothing else as a logo.
INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def harden_media_response(response, path):
    """Set the headers every served upload gets (in place); returns the response."""
    suffix = PurePosixPath(path).suffix.lower()
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if response.status_code != 200:
        return response
    if suffix in INLINE_TYPES:
        response["Content-Type"] = INLINE_TYPES[suffix]
        response["Content-Disposition"] = "inline"
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    return response


def serve_media(request, path):
    """``django.views.static.serve`` from ``MEDIA_ROOT`` with the headers above."""
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except Http404:
        response = HttpResponseNotFound()
    return harden_media_response(response, path)
