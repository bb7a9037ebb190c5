"""Template helpers for accessibility: the language of the content."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def content_lang():
    """`` lang="de"`` on content written in the event's language when the page is in another.

    Titles, abstracts, names and bios are written by the organizers in one language
    (``CONTENT_LANGUAGE``, German by default); on an English page a screen reader must switch
    its voice for them (WCAG 3.1.2).
    """
    language = getattr(settings, "CONTENT_LANGUAGE", "de")
    if (get_language() or "").split("-")[0] == language:
        return ""
    return mark_safe(f' lang="{language}"')  # noqa: S308 - a language code from settings
