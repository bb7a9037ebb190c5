"""Atom and RSS feeds of an event's programme releases."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from congress import selectors

from .releases import releases_for, summary_of


def describe(summary):
    return (
        _(
            "%(added)s added, %(moved)s moved, %(cancelled)s cancelled, "
            "%(speakers_changed)s with other speakers, %(retitled)s retitled"
        )
        % summary
    )


class ReleaseFeed(Feed):
    """RSS 2.0; ``ReleaseAtomFeed`` is the Atom twin."""

    def get_object(self, request, event_slug):
        event = selectors.visible_event(request.user, event_slug)
        if event is None:
            raise Http404
        return event

    def title(self, event):
        return _("%(event)s: programme releases") % {"event": event.name}

    def link(self, event):
        return reverse("web:programme", kwargs={"slug": event.slug})

    def description(self, event):
        return self.title(event)

    def items(self, event):
        return releases_for(event)[:50]

    def item_title(self, release):
        return release.version

    def item_description(self, release):
        text = describe(summary_of(release.diff))
        return f"{release.note}\n\n{text}" if release.note else text

    def item_link(self, release):
        return reverse(
            "backoffice-release",
            kwargs={"event_slug": release.event.slug, "version": release.version},
        )

    def item_guid(self, release):
        return f"treffpunkt:release:{release.event_id}:{release.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, release):
        return release.created_at


class ReleaseAtomFeed(ReleaseFeed):
    feed_type = Atom1Feed
    subtitle = ReleaseFeed.description
