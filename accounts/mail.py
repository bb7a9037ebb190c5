"""Mail: one helper that renders a text + HTML pair in the recipient's language, and the outbox.

Templates come in threes under ``accounts/mail/``: ``<name>.subject.txt``, ``<name>.txt`` and
``<name>.html``. The embedded default (no ``EMAIL_HOST``) stores every mail in
:class:`~accounts.models.StoredMail`, shown to the developer at ``/dev/outbox/``.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, urlize
from django.utils.text import normalize_newlines


def language_for(user, default=None):
    """The language mail to ``user`` is written in: their choice, else ``default``, else German."""
    preferences = getattr(user, "preferences", None) if user is not None else None
    try:
        if preferences is not None and preferences.language:
            return preferences.language
    except Exception:  # noqa: BLE001, S110  (no preferences row yet)
        pass
    return default or settings.LANGUAGE_CODE


def html_from_text(text, subject):
    """An HTML part for a mail written as plain text (allauth's own templates are text only)."""
    paragraphs = normalize_newlines(text).strip().split("\n\n")
    body = "".join(
        "<p>" + urlize(escape(paragraph), autoescape=False).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
    )
    return render_to_string("accounts/mail/layout.html", {"subject": subject, "body": body})


def build_mail(*, to, template, context, language):
    """An EmailMultiAlternatives rendered from ``accounts/mail/<template>.*`` in ``language``."""
    with translation.override(language):
        context = {**context, "language": language}
        subject = render_to_string(f"accounts/mail/{template}.subject.txt", context)
        subject = " ".join(subject.split())
        text = render_to_string(f"accounts/mail/{template}.txt", context)
        html = render_to_string(f"accounts/mail/{template}.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def send_mail(*, to, template, context, language, connection=None):
    """Render and send one mail; returns the number sent (0 or 1). SMTP errors propagate."""
    message = build_mail(to=to, template=template, context=context, language=language)
    message.connection = connection or get_connection()
    return message.send()


class OutboxBackend(BaseEmailBackend):
    """Stores mail in the database instead of sending it (the embedded default)."""

    def send_messages(self, email_messages):
        from .models import StoredMail

        stored = []
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = content
            stored.append(
                StoredMail(
                    from_email=message.from_email,
                    to="\n".join(message.recipients()),
                    subject=message.subject,
                    text=message.body,
                    html=html,
                )
            )
        StoredMail.objects.bulk_create(stored)
        return len(stored)
