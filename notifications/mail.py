"""Notification mail: text + HTML in the recipient's language, one-click unsubscribe (RFC 8058),
and for meetings an ``.ics`` (METHOD:REQUEST, or METHOD:CANCEL when the meeting is off)."""

from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import language_for

from .kinds import KINDS, detail, title


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user_id, kind):
    from .services import unsubscribe_token

    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)]))


def preferences_url(event):
    """The preferences page, with the event whose consent text applies."""
    path = reverse("notifications:preferences")
    return absolute(f"{path}?event={quote(event.slug)}" if event is not None else path)


def meeting_ics(calendar, recipient):
    """An iTIP calendar object for one meeting; UID as in the personal agenda.ics."""
    import icalendar  # on first use: 50 ms of CPU at every server process's start otherwise

    cancelled = bool(calendar.get("cancelled"))
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Treffpunkt//Meetings//DE")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    vevent = icalendar.Event()
    vevent.add("uid", calendar["uid"])
    vevent.add("dtstamp", timezone.now())
    # In UTC ("…Z"), which every calendar app reads without a VTIMEZONE.
    vevent.add("dtstart", datetime.fromisoformat(calendar["start"]).astimezone(UTC))
    vevent.add("dtend", datetime.fromisoformat(calendar["end"]).astimezone(UTC))
    vevent.add("summary", calendar.get("summary", ""))
    if calendar.get("location"):
        vevent.add("location", calendar["location"])
    vevent.add("sequence", int(calendar.get("sequence", 0)))
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = icalendar.vText(calendar.get("organizer_name", "Treffpunkt"))
    vevent.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{recipient.email}")
    attendee.params["cn"] = icalendar.vText(recipient.get_full_name() or recipient.get_username())
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    vevent.add("attendee", attendee)
    cal.add_component(vevent)
    return cal.to_ical(), "CANCEL" if cancelled else "REQUEST"


def build_notification_mail(notification, user):
    """The mail of one stored notification, addressed to ``user``."""
    language = language_for(user)
    kind = notification.kind
    with translation.override(language):
        context = {
            "language": language,
            "title": title(kind, notification.data, notification.count, language[:2]),
            "detail": detail(kind, notification.data),
            "body": "",
            "link": notification.data.get("link", ""),
            "url": absolute(notification.data.get("url", "/")),
            "kind_label": str(KINDS[kind].label) if kind in KINDS else kind,
            "unsubscribe_url": unsubscribe_url(user.pk, kind),
            "preferences_url": preferences_url(notification.event),
        }
        return _message(user, context, notification.calendar)


def build_announcement_mail(announcement, user):
    language = language_for(user)
    with translation.override(language):
        text = (announcement.text_en or announcement.text_de) if language[:2] == "en" else None
        text = text or announcement.text_de
        context = {
            "language": language,
            "title": f"{announcement.event.name}: {text.splitlines()[0][:80]}",
            "detail": "",
            "body": text,
            "link": announcement.link,
            "url": absolute(f"/events/{announcement.event.slug}/"),
            "kind_label": str(KINDS["announcement"].label),
            "unsubscribe_url": unsubscribe_url(user.pk, "announcement"),
            "preferences_url": preferences_url(announcement.event),
        }
        return _message(user, context, None)


def _message(user, context, calendar):
    subject = " ".join(
        render_to_string("notifications/mail/notification.subject.txt", context).split()
    )
    text = render_to_string("notifications/mail/notification.txt", context)
    html = render_to_string("notifications/mail/notification.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    if calendar:
        ics, method = meeting_ics(calendar, user)
        message.attach("meeting.ics", ics, f"text/calendar; method={method}; charset=UTF-8")
    return message
