"""The organizer's report after the congress: counts only, never names.

Per session: peak and total unique viewers, chat messages, questions, poll votes. Per day: unique
viewers per hour (the attendance curve). Per booth (from the expo, through
``congress.hooks.report_section``): visits, unique visitors, leads, contact requests.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from congress import hooks
from congress.models import ChatMessage, PollVote, Question, Session

from .models import SessionPeak, SessionViewer


def _count(model, path, **filters):
    rows = (
        model.objects.filter(**{path: OuterRef("pk")}, **filters)
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def session_rows(event):
    sessions = (
        Session.objects.filter(event=event)
        .exclude(Q(state=Session.State.CANCELLED) | Q(kind=Session.Kind.BREAK))
        .select_related("room")
        .annotate(
            unique_viewers=_count(SessionViewer, "session"),
            chat_count=_count(ChatMessage, "session", is_deleted=False),
            question_count=_count(Question, "session"),
            vote_count=_count(PollVote, "poll__session"),
            peak=Coalesce(
                Subquery(
                    SessionPeak.objects.filter(session=OuterRef("pk")).values("peak")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("start", "room__position", "pk")
    )
    return [
        {
            "id": session.pk,
            "guid": str(session.guid),
            "title": session.title,
            "start": session.start.astimezone(event.tz).isoformat(),
            "room": session.room.name if session.room else None,
            "peak_viewers": session.peak,
            "unique_viewers": session.unique_viewers,
            "chat_messages": session.chat_count,
            "questions": session.question_count,
            "poll_votes": session.vote_count,
        }
        for session in sessions
    ]


def attendance_by_day(event):
    """Per event day: unique viewers that day, and per hour (local) those who joined a session."""
    seen = SessionViewer.objects.filter(session__event=event).values_list("viewer", "first_seen")
    days = {day: {"viewers": set(), "hours": [set() for _hour in range(24)]} for day in event.days}
    for viewer, first_seen in seen:
        local = first_seen.astimezone(event.tz)
        day = days.setdefault(
            local.date(), {"viewers": set(), "hours": [set() for _hour in range(24)]}
        )
        day["viewers"].add(viewer)
        day["hours"][local.hour].add(viewer)
    return [
        {
            "date": day.isoformat(),
            "unique_viewers": len(values["viewers"]),
            "hours": [len(hour) for hour in values["hours"]],
        }
        for day, values in sorted(days.items())
    ]


def report_for(event):
    sessions = session_rows(event)
    sections = hooks.report_sections(event)
    expo = sections.get("expo", {"booths": [], "daily_visitors": []})
    return {
        "event": {"slug": event.slug, "name": event.name},
        "totals": {
            "sessions": len(sessions),
            "unique_viewers": SessionViewer.objects.filter(session__event=event)
            .values("viewer")
            .distinct()
            .count(),
            "chat_messages": sum(row["chat_messages"] for row in sessions),
            "questions": sum(row["questions"] for row in sessions),
            "poll_votes": sum(row["poll_votes"] for row in sessions),
            "booth_visits": sum(row["visits"] for row in expo["booths"]),
            "leads": sum(row["leads"] for row in expo["booths"]),
            "contact_requests": sum(row["contact_requests"] for row in expo["booths"]),
        },
        "sessions": sessions,
        "days": attendance_by_day(event),
        "booths": expo["booths"],
        "booth_days": expo["daily_visitors"],
    }


CSV_TABLES = {
    "sessions": (
        "id", "guid", "title", "start", "room", "peak_viewers", "unique_viewers",
        "chat_messages", "questions", "poll_votes",
    ),
    "booths": ("id", "name", "visits", "unique_visitors", "leads", "contact_requests"),
    "attendance": ("date", "hour", "unique_viewers"),
}  # fmt: skip


def csv_rows(report, table):
    """Header and rows of one table of the report, for the CSV download."""
    header = CSV_TABLES[table]
    if table == "attendance":
        rows = [
            {"date": day["date"], "hour": f"{hour:02d}:00", "unique_viewers": count}
            for day in report["days"]
            for hour, count in enumerate(day["hours"])
        ]
    else:
        rows = report[table]
    return header, [[row[key] for key in header] for row in rows]


def chart_bars(values, *, width=480, height=120):
    """SVG bar geometry for a list of counts: [(x, y, w, h, value)], scaled to the largest."""
    top = max(values, default=0) or 1
    step = width / max(len(values), 1)
    bars = []
    for index, value in enumerate(values):
        bar_height = round(value / top * (height - 16), 1)
        bars.append(
            {
                "x": round(index * step + 1, 1),
                "y": round(height - bar_height, 1),
                "width": round(max(step - 2, 1), 1),
                "height": bar_height,
                "value": value,
                "label": index,
            }
        )
    return bars
