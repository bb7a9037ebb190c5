"""Accessibility of the demo congress, from ``demo/data/accessibility.toml``.

The statement goes through ``accessibility.services.save_statement`` as the organizer, and only when
its text differs, so a re-run leaves it (and its ``updated_at``) alone. The main stage's captions
and sign-language stream have no service (the admin edits them) and are written in place; the
organizer types live captions in the first keynote.
"""

from django.contrib.auth import get_user_model

from accessibility.models import Captioner, RoomMedia, Statement
from accessibility.services import save_statement
from congress.models import Session

from .content import load


def statement_fields(event):
    data = load("accessibility")["statement"]
    return {
        "conformance": data["conformance"],
        "body": data["body"],
        "known_limits": "\n".join(data["known_limits"]),
        "contact_email": data["contact_email"],
        "prepared_on": event.start_date,
        "easy_language": data["easy_language"].strip(),
        "sign_language_video_url": data["sign_language_video_url"],
    }


def first_keynote(event):
    return (
        Session.objects.filter(event=event, kind=Session.Kind.KEYNOTE)
        .order_by("start", "pk")
        .first()
    )


def seed_accessibility(event, rooms, *, organizer, out):
    """The statement, the main stage's captions and interpreter, one captioner; prints one line."""
    fields = statement_fields(event)
    statement = Statement.objects.filter(event=event).first()
    if statement is None or any(
        getattr(statement, name) != value for name, value in fields.items()
    ):
        save_statement(user=organizer, event=event, **fields)

    media = load("accessibility")["room_media"]
    room = rooms[media["room"]]
    RoomMedia.objects.update_or_create(
        room=room,
        defaults={
            "captions_url": media["captions_url"],
            "sign_language_url": media["sign_language_url"],
        },
    )

    keynote = first_keynote(event)
    captioner = get_user_model().objects.get(
        username=load("accessibility")["captioner"]["username"]
    )
    Captioner.objects.get_or_create(session=keynote, user=captioner)
    out.write(
        f"Barrierefreiheit: Erklärung ({len(fields['known_limits'].splitlines())} Einschränkungen, "
        f"Leichte Sprache, DGS), Untertitel und DGS auf der {room.name}, "
        f"Live-Untertitel von {captioner.username} in „{keynote.title}“"
    )
