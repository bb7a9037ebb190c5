"""Every kind of notification: its default channel, its label and how it reads.

Defaults are privacy-friendly: mail only for what a person has to act on or would miss
(meetings, contact requests at their booth, reports for organizers, cancelled sessions, mailed
announcements), never the text of a message; session reminders are live only unless chosen.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Channel


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    default: str


KINDS = {
    kind.name: kind
    for kind in (
        Kind("meeting.requested", gettext_lazy("Meeting requests"), Channel.MAIL),
        Kind("meeting.accepted", gettext_lazy("Meeting accepted"), Channel.MAIL),
        Kind("meeting.declined", gettext_lazy("Meeting declined"), Channel.MAIL),
        Kind("meeting.rescheduled", gettext_lazy("Meeting moved"), Channel.MAIL),
        Kind("meeting.cancelled", gettext_lazy("Meeting cancelled"), Channel.MAIL),
        Kind("conversation.message", gettext_lazy("Unread messages (digest)"), Channel.MAIL),
        Kind("booth.contact", gettext_lazy("Contact requests at your booth"), Channel.MAIL),
        Kind("report.created", gettext_lazy("Reports (organizers)"), Channel.MAIL),
        Kind("session.reminder", gettext_lazy("Reminders for your sessions"), Channel.LIVE),
        Kind("session.cancelled", gettext_lazy("Your sessions cancelled"), Channel.MAIL),
        Kind("announcement", gettext_lazy("Announcements of the organizers"), Channel.MAIL),
    )
}


def _name(data, key="by"):
    return (data.get(key) or {}).get("name", "")


def _moment(value, data):
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = ZoneInfo(data["timezone"]) if data.get("timezone") else None
    return timezone.localtime(moment, zone)


def _when(value, data):
    return formats.date_format(_moment(value, data), "DATETIME_FORMAT")


def title(kind, data, count=1, language=None):
    """One line saying what happened, in the active language."""
    if kind == "meeting.requested":
        return _("%(name)s asks to meet you") % {"name": _name(data)}
    if kind == "meeting.accepted":
        return _("%(name)s accepted your meeting") % {"name": _name(data)}
    if kind == "meeting.declined":
        return _("%(name)s declined your meeting") % {"name": _name(data)}
    if kind == "meeting.rescheduled":
        return _("%(name)s proposed a new time for your meeting") % {"name": _name(data)}
    if kind == "meeting.cancelled":
        return _("%(name)s cancelled your meeting") % {"name": _name(data)}
    if kind == "conversation.message":
        return ngettext(
            "%(count)d new message from %(name)s",
            "%(count)d new messages from %(name)s",
            count,
        ) % {"count": count, "name": _name(data, "from")}
    if kind == "booth.contact":
        return _("%(name)s would like to talk to your booth team") % {"name": _name(data, "user")}
    if kind == "report.created":
        return _("A participant was reported: %(name)s") % {"name": _name(data, "reported")}
    if kind == "session.reminder":
        return _("%(title)s starts at %(time)s") % {
            "title": data.get("title", ""),
            "time": formats.time_format(_moment(data["start"], data), "TIME_FORMAT")
            if data.get("start")
            else "",
        }
    if kind == "session.cancelled":
        return _("%(title)s has been cancelled") % {"title": data.get("title", "")}
    if kind == "announcement":
        text = data.get("text") or {}
        return text.get(language or "de") or text.get("de", "")
    return kind


def detail(kind, data):
    """A second line, or ''."""
    if kind.startswith("meeting.") and data.get("start"):
        return _when(data["start"], data)
    if kind in ("session.reminder", "session.cancelled") and data.get("start"):
        return _when(data["start"], data)
    return ""
