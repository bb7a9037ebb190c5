"""Announcements of the demo congress, from ``demo/data/announcements.toml``.

Created through ``congress.announcements.create_announcement`` as the organizer (pushed as a
banner, never mailed); a re-run finds each by its German text and adds none.
"""

from congress.announcements import create_announcement
from congress.models import Announcement

from .content import load


def seed_announcements(event, *, organizer, out):
    planned = load("announcements")["announcement"]
    existing = set(Announcement.objects.filter(event=event).values_list("text_de", flat=True))
    created = 0
    for announcement in planned:
        if announcement["text_de"] not in existing:
            create_announcement(event, user=organizer, send_mail=False, **announcement)
            created += 1
    out.write(f"{len(planned)} Ankündigungen ({created} neu, ohne Mail)")
