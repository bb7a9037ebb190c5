"""The programme as a time grid: filters, "now" and "next", and each card's row and column.

Works on the sessions the programme view already loaded (no queries of its own): the grid is
five-minute rows from the day's first full hour, one column per room after a column of hour marks;
a break without a room spans every room column.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

SLOT = timedelta(minutes=5)


@dataclass(frozen=True)
class Filters:
    track: str = ""
    kind: str = ""
    language: str = ""
    favourites: bool = False

    @classmethod
    def from_query(cls, query):
        return cls(
            track=query.get("track", ""),
            kind=query.get("kind", ""),
            language=query.get("language", ""),
            favourites=query.get("favourites") == "1",
        )

    @property
    def active(self):
        return bool(self.track or self.kind or self.language or self.favourites)

    def keeps(self, session, favourite_ids):
        if self.track and str(session.track_id) != self.track:
            return False
        if self.kind and session.kind != self.kind:
            return False
        if self.language and session.language != self.language:
            return False
        return not self.favourites or session.pk in favourite_ids


def filter_choices(sessions):
    """The tracks, kinds and languages that occur, for the filter form."""
    tracks = {s.track.pk: s.track.name for s in sessions if s.track is not None}
    kinds = {s.kind: s.get_kind_display() for s in sessions}
    languages = sorted({s.language for s in sessions})
    return {
        "tracks": sorted(tracks.items(), key=lambda item: item[1]),
        "kinds": sorted(kinds.items(), key=lambda item: item[1]),
        "languages": languages,
    }


def now_and_next(sessions, now=None):
    """Sessions running now, and those starting at the next start time (cancelled left out)."""
    now = now or timezone.now()
    running = [s for s in sessions if s.start <= now < s.end and s.state != "cancelled"]
    upcoming = [s for s in sessions if s.start > now and s.state != "cancelled"]
    if not upcoming:
        return running, []
    first = min(s.start for s in upcoming)
    return running, [s for s in upcoming if s.start == first]


def lay_out(event, days):
    """Give each day its grid (start, rows, hour marks) and each card its row and column."""
    for day in days:
        entries = [entry for column in day.columns for entry in column.entries]
        if not entries:
            day.grid = None
            continue
        tz = event.tz
        first = min(timezone.localtime(e.session.start, tz) for e in entries)
        last = max(timezone.localtime(e.session.end, tz) for e in entries)
        start = first.replace(minute=0, second=0, microsecond=0)
        rows = int((last - start) / SLOT) + 1
        room_columns = [column for column in day.columns if column.room is not None]
        hours = []
        mark = start
        while mark < last:
            hours.append({"time": mark, "row": int((mark - start) / SLOT) + 2})
            mark += timedelta(hours=1)
        day.grid = {"start": start, "rows": rows, "rooms": max(len(day.columns), 1), "hours": hours}
        for index, column in enumerate(day.columns):
            column.grid_column = index + 2
            spans_all = column.room is None and room_columns
            for entry in column.entries:
                entry.row_start = _row(entry.session.start, start)
                entry.row_end = max(_row(entry.session.end, start), entry.row_start + 1)
                entry.spans_all = bool(spans_all and entry.session.kind == "break")


def _row(moment, start):
    return int((moment - start) / SLOT) + 2


def day_start_iso(day):
    grid = getattr(day, "grid", None)
    return grid["start"].isoformat() if grid else ""
