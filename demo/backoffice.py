"""The first programme release of the demo congress, from ``demo/data/backoffice.toml``.

Published through ``backoffice.releases.publish_release`` as the organizer once the programme is
seeded, and only while the event has no release: a re-run publishes nothing.
"""

from backoffice.models import Release
from backoffice.releases import publish_release

from .content import load


def seed_release(event, *, organizer, out):
    data = load("backoffice")["release"]
    if Release.objects.filter(event=event).exists():
        release = Release.objects.filter(event=event).order_by("created_at", "pk").first()
        out.write(f"Programm-Release {release.version} vorhanden, kein neues veröffentlicht")
        return
    release = publish_release(event, user=organizer, version=data["version"], note=data["note"])
    out.write(f"Programm-Release {release.version} veröffentlicht: „{release.note}“")
