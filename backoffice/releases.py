"""Named releases of the programme, the diff between them, and "what changed since my last visit"."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress import hooks
from congress import services as congress_services
from congress.models import Favourite, Session
from treffpunkt.access import require
from treffpunkt.errors import ConflictError, DomainError
from treffpunkt.realtime.events import emit

from .models import ProgrammeVisit, Release

DIFF_KEYS = ("added", "moved", "cancelled", "speakers_changed", "retitled")


class ReleaseError(DomainError):
    pass


def snapshot_of(event):
    """``{guid: {id, title, start, end, room, speakers, state, cancellation_note}}`` of every
    session of the event."""
    sessions = (
        Session.objects.filter(event=event)
        .select_related("room")
        .prefetch_related("speakers")
        .order_by("start", "pk")
    )
    return {
        str(session.guid): {
            "id": session.pk,
            "title": session.title,
            "start": session.start.isoformat(),
            "end": session.end.isoformat(),
            "room": session.room.name if session.room else None,
            "speakers": sorted(speaker.name for speaker in session.speakers.all()),
            "state": session.state,
            "cancellation_note": session.cancellation_note,
        }
        for session in sessions
    }


def _active(entry):
    return entry is not None and entry["state"] != Session.State.CANCELLED


def diff_snapshots(before, after):
    """What changed from ``before`` to ``after`` (two ``snapshot_of`` results).

    ``added`` and ``cancelled`` (a session that is gone, or cancelled now, with the organizers'
    ``note`` if they left one) name the session;
    ``moved`` (another room or time), ``speakers_changed`` and ``retitled`` also give the old and the
    new value. A session is listed under every kind of change it had.
    """
    diff = {key: [] for key in DIFF_KEYS}
    for guid in sorted(set(before) | set(after), key=lambda g: _order(before, after, g)):
        old, new = before.get(guid), after.get(guid)
        current = new or old
        head = {"guid": guid, "id": current["id"], "title": current["title"]}
        if not _active(old) and _active(new):
            diff["added"].append({**head, "start": new["start"], "room": new["room"]})
        elif _active(old) and not _active(new):
            # A cancelled (not deleted) session carries the organizers' note, where there is one.
            note = (new or {}).get("cancellation_note", "")
            diff["cancelled"].append({**head, "note": note} if note else head)
        elif _active(old) and _active(new):
            slot = ("start", "end", "room")
            if any(old[key] != new[key] for key in slot):
                diff["moved"].append(
                    {
                        **head,
                        "from": {key: old[key] for key in slot},
                        "to": {key: new[key] for key in slot},
                    }
                )
            if old["speakers"] != new["speakers"]:
                diff["speakers_changed"].append(
                    {**head, "from": old["speakers"], "to": new["speakers"]}
                )
            if old["title"] != new["title"]:
                diff["retitled"].append({**head, "from": old["title"], "to": new["title"]})
    return diff


def _order(before, after, guid):
    entry = after.get(guid) or before.get(guid)
    return (entry["start"], entry["id"])


def summary_of(diff):
    return {key: len(diff.get(key, ())) for key in DIFF_KEYS}


def release_data(release):
    return {
        "version": release.version,
        "note": release.note,
        "created_at": release.created_at.isoformat(),
        "programme_version": release.programme_version,
        "summary": summary_of(release.diff),
    }


def publish_release(event, *, user, version, note=""):
    """Publish the programme as it stands as release ``version``.

    Stores the diff to the previous release, makes the exports carry the version, pushes
    ``programme.released`` to ``event:<slug>`` and announces ``release.published`` (webhooks).
    Raises AccessDenied, ConflictError (409) for a version name the event already used.
    """
    require(user, "backoffice.publish_release", event)
    version = version.strip()
    if not version:
        raise ReleaseError(_("Name the release."), field="version", code="required")
    with transaction.atomic():
        if Release.objects.filter(event=event, version=version).exists():
            raise ConflictError(
                _("Release %(version)s exists already.") % {"version": version},
                field="version",
                code="version_taken",
            )
        previous = Release.objects.filter(event=event).order_by("-created_at", "-pk").first()
        snapshot = snapshot_of(event)
        diff = diff_snapshots(previous.snapshot if previous else {}, snapshot)
        congress_services.mark_release(event, version=version)
        release = Release.objects.create(
            event=event,
            version=version,
            note=note,
            snapshot=snapshot,
            diff=diff,
            programme_version=event.programme_version,
            created_by=user,
        )
        data = release_data(release)
        emit(f"event:{event.slug}", "programme.released", data)
        hooks.announce(event, "release.published", {"release": {**data, "diff": diff}})
    return release


def changes_since_last_visit(event, user, *, mark_seen=True):
    """The releases since the user last looked, merged into one diff, favourites first.

    Returns ``{"since": iso or None, "releases": [release_data…], "changes": [...]}``; each change
    is ``{"kind", "guid", "id", "title", "favourite", …}``. A first visit shows the latest release.
    Looking marks the releases as seen (``mark_seen``).
    """
    visit = ProgrammeVisit.objects.filter(event=event, user=user).first()
    releases = Release.objects.filter(event=event).order_by("created_at", "pk")
    if visit is not None:
        releases = releases.filter(created_at__gt=visit.seen_at)
    else:
        releases = releases.reverse()[:1]
    releases = sorted(releases, key=lambda release: (release.created_at, release.pk))
    favourites = set(
        Favourite.objects.filter(user=user, session__event=event).values_list(
            "session__guid", flat=True
        )
    )
    favourites = {str(guid) for guid in favourites}
    latest = {}
    for release in releases:
        for kind in DIFF_KEYS:
            for item in release.diff.get(kind, []):
                latest[(item["guid"], kind)] = {
                    "kind": kind,
                    **item,
                    "release": release.version,
                    "favourite": item["guid"] in favourites,
                }
    changes = sorted(
        latest.values(),
        key=lambda change: (not change["favourite"], DIFF_KEYS.index(change["kind"])),
    )
    if mark_seen and user.is_authenticated:
        ProgrammeVisit.objects.update_or_create(
            event=event, user=user, defaults={"seen_at": timezone.now()}
        )
    return {
        "since": visit.seen_at.isoformat() if visit else None,
        "releases": [release_data(release) for release in releases],
        "changes": changes,
    }


def releases_for(event):
    return Release.objects.filter(event=event).order_by("-created_at", "-pk")
