"""Checks of uploaded files by their content, never by their name or declared type.

A checked file is stored under :func:`stored_name`: a random name with the extension of the type
its content was found to be, never the name the uploader gave (``brochure.html``).
"""

import uuid

from django.utils.translation import gettext as _

from .errors import ExpoError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_MIN_SIDE = 32
LOGO_MAX_SIDE = 4000
PDF_MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "PDF": "pdf"}


def stored_name(detected_type):
    """A fresh file name for an upload whose content was checked to be ``detected_type``."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS[detected_type]}"


def check_logo(upload):
    """The detected format ("PNG", "JPEG", "WEBP"); ExpoError unless a sane-sized image of those."""
    # Imported here: only an upload needs Pillow, and every process start paid 10 ms for it.
    from PIL import Image, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise ExpoError(_("The logo may be at most 2 MB."), field="logo", code="too_large")
    upload.seek(0)
    try:
        # Image.open reads only the header, so a decompression bomb is refused by size first.
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in LOGO_FORMATS:
                raise ExpoError(
                    _("The logo must be a PNG, JPEG or WebP image."), field="logo", code="format"
                )
            if not all(LOGO_MIN_SIDE <= side <= LOGO_MAX_SIDE for side in (width, height)):
                raise ExpoError(
                    _("The logo must be between 32 and 4000 pixels wide and high."),
                    field="logo",
                    code="dimensions",
                )
            image.verify()
        return image_format
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ExpoError(
            _("The logo must be a PNG, JPEG or WebP image."), field="logo", code="format"
        ) from None
    finally:
        upload.seek(0)


def check_pdf(upload):
    """``"PDF"``; ExpoError unless ``upload`` starts like a PDF and is at most 10 MB."""
    if upload.size > PDF_MAX_BYTES:
        raise ExpoError(_("A download may be at most 10 MB."), field="file", code="too_large")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ExpoError(_("A download must be a PDF file."), field="file", code="format")
    return "PDF"
