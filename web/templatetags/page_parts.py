"""``{% live_panels %}``: the session page's chat, questions, polls and reactions, kept rendered.

The panels (web/_live_panels.html) are labels and ``<template>``s that live.js fills; they are the
same for every visitor of one page in one language and login state, yet they are most of the
session page's template work. The path is part of the key (the log-in link returns to it), so a
request with a query string is rendered for itself.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import page_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def live_panels(context):
    request = context["request"]
    key = None
    if not request.META.get("QUERY_STRING"):
        key = (
            f"live-panels:{get_language()}:{int(request.user.is_authenticated)}:"
            f"{request.path}:r{page_cache.REVISION}"
        )

    def render():
        panels = context.template.engine.get_template("web/_live_panels.html")
        return panels.render(context)

    return mark_safe(page_cache.cached_text(key, render))  # noqa: S308 - our template, escaped


@register.simple_tag(takes_context=True)
def visitor(context, name):
    """``{% visitor "username" %}`` or ``{% visitor "user_id" %}``: the visitor's own value, or its
    hole when the page is rendered to be kept whole (``page_cache.respond``)."""
    if context.get("page_holes"):
        return page_cache.hole(name)
    user = context["user"]
    if not user.is_authenticated:
        return ""
    return user.get_username() if name == "username" else user.pk
