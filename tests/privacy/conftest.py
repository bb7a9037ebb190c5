"""A person with activity in every app, and the people around them, each with unique strings."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Consent, Invitation, Preferences, StoredMail
from congress import live_services
from congress.models import Ban, Favourite, Registration, Session, Speaker
from conversations.services import open_conversation, send_conversation_message
from expo.models import BoothVisit, ContactRequest
from expo.services import leave_lead
from matchmaking.models import Block, Meeting, Report
from matchmaking.services import update_profile
from privacy.services import record_access
from tests.factories import (
    ExhibitorFactory,
    ExhibitorStaffFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.matchmaking.factories import ProfileFactory

# Strings that exist only in the person's own data (ASCII: JSON columns escape other letters).
PERSON = {
    "username": "zuzanna_qx7",
    "email": "zuzanna.quastkowski@beispiel.example",
    "first_name": "Zuzanna",
    "last_name": "Quastkowski",
}
TEXTS = {
    "chat": "Zaunkoenig chat QX7-chat",
    "deleted_chat": "Moderated away QX7-deleted",
    "question": "Frage QX7-question zum Haushalt?",
    "conversation": "Hallo QX7-conversation von mir",
    "lead": "Bitte melden QX7-lead",
    "contact": "Kontakt QX7-contact gesucht",
    "meeting": "Treffen QX7-meeting am Stand",
    "bio": "Verwaltung QX7-bio seit Jahren",
    "organisation": "Stadtwerke QX7-org",
    "speaker_bio": "Sprecherin QX7-speakerbio",
    "report": "Unfreundlich QX7-report",
    "ban": "Wiederholt QX7-ban",
    "social": "QX7-social-subject",
}
UNIQUE = [*PERSON.values(), *TEXTS.values(), "QX7"]
# A page's CSRF tokens (64 random letters and digits each) hold "qx7", ignoring case, about once
# in a thousand: searched too, they would fail a page now and then for no leak.
_CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+"')


def named_in(text):
    """The person's strings (``UNIQUE``) that ``text`` still holds, case ignored."""
    text = text.lower()
    return [unique for unique in UNIQUE if unique.lower() in text]


def named_on_page(html):
    """``named_in`` for a rendered page, its CSRF tokens left out."""
    return named_in(_CSRF_TOKEN.sub(r'\1"', html))


OTHER_SECRETS = ["other.secret@beispiel.example", "OTHER-PRIVATE-CHAT", "OTHER-PRIVATE-LEAD"]


@dataclass
class World:
    event: object
    session: object
    person: object
    other: object
    staff: object
    organizer: object
    exhibitor: object
    conversation: object
    meeting: object


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "private"
    person = UserFactory(**PERSON)
    other = UserFactory(username="otto_other", email=OTHER_SECRETS[0], first_name="Otto")
    staff = UserFactory(username="stella_staff", first_name="Stella")
    organizer = UserFactory(username="olga_organizer", first_name="Olga")
    session = SessionFactory(state=Session.State.LIVE)
    event = session.event
    RegistrationFactory(event=event, user=person)
    RegistrationFactory(event=event, user=other)
    RegistrationFactory(event=event, user=staff)
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    exhibitor = ExhibitorFactory(event=event)
    ExhibitorStaffFactory(exhibitor=exhibitor, user=staff)

    # accounts and identity
    Preferences.objects.create(user=person, language="de", organisation=TEXTS["organisation"])
    EmailAddress.objects.create(user=person, email=PERSON["email"], verified=True, primary=True)
    SocialAccount.objects.create(
        user=person, provider="openid_connect", uid="QX7-uid", extra_data={"sub": TEXTS["social"]}
    )
    Token.objects.create(user=person)
    Invitation.objects.create(
        event=event, user=person, email=PERSON["email"], expires_at=timezone.now(), role="attendee"
    )
    Consent.objects.create(event=event, user=person, document="privacy_notice", version="1")
    StoredMail.objects.create(
        from_email="treffpunkt@example.org",
        to=person.email,
        subject="Einladung",
        text=f"Hallo {PERSON['first_name']} {PERSON['last_name']}",
    )
    StoredMail.objects.create(
        from_email="treffpunkt@example.org",
        to=other.email,
        subject="Neue Anfrage",
        text=f"{PERSON['first_name']} {PERSON['last_name']} möchte Sie treffen.",
    )
    LogEntry.objects.create(
        user=organizer,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=person.username,
        action_flag=CHANGE,
        change_message="changed " + PERSON["last_name"],
    )

    # congress
    speaker = SpeakerFactory(event=event, user=person, name="Zuzanna Quastkowski")
    speaker.bio = TEXTS["speaker_bio"]
    speaker.photo.save("qx7-photo.png", ContentFile(b"\x89PNG fake"), save=True)
    session.speakers.add(speaker)
    Favourite.objects.create(user=person, session=session)
    live_services.send_chat_message(
        user=person, session=session, text=TEXTS["chat"], client_id="c1"
    )
    live_services.send_chat_message(
        user=other, session=session, text=OTHER_SECRETS[1], client_id="o1"
    )
    moderated, _created = live_services.send_chat_message(
        user=person, session=session, text=TEXTS["deleted_chat"], client_id="c2"
    )
    live_services.delete_chat_message(user=organizer, message=_message(moderated))
    live_services.ask_question(user=person, session=session, text=TEXTS["question"], client_id="q1")
    other_question, _created = live_services.ask_question(
        user=other, session=session, text="Eine andere Frage", client_id="q2"
    )
    live_services.upvote_question(user=person, question=other_question)
    poll = live_services.create_poll(
        user=organizer, session=session, question="Wie?", options=["Gut", "Schlecht"]
    )
    live_services.set_poll_state(user=organizer, poll=poll, state="open")
    live_services.vote_in_poll(user=person, poll=poll, option_id=poll.options.first().pk)
    live_services.mute_user(user=organizer, session=session, target=person, minutes=5)

    # conversations
    conversation, _created = open_conversation(
        user=other, other=person, event=event, origin="match"
    )
    send_conversation_message(user=other, conversation=conversation, text="Erste", client_id="a")
    send_conversation_message(
        user=person, conversation=conversation, text=TEXTS["conversation"], client_id="b"
    )
    send_conversation_message(user=other, conversation=conversation, text="Dritte", client_id="c")

    # expo
    leave_lead(exhibitor, user=person, consent=True, message=TEXTS["lead"])
    leave_lead(exhibitor, user=other, consent=True, message=OTHER_SECRETS[2])
    BoothVisit.objects.create(exhibitor=exhibitor, user=person, day=event.start_date)
    ContactRequest.objects.create(exhibitor=exhibitor, user=person, message=TEXTS["contact"])
    record_access(actor=staff, what="expo.leads", subject_ids=[person.pk, other.pk], event=event)

    # matchmaking
    profile = ProfileFactory(event=event, user=person, is_visible=False)
    update_profile(profile, user=person, is_visible=True, bio=TEXTS["bio"])
    ProfileFactory(event=event, user=other, is_visible=True)
    Block.objects.create(event=event, blocker=person, blocked=staff)
    start = timezone.now() + timedelta(days=1)
    meeting = Meeting.objects.create(
        event=event,
        requester=person,
        invitee=other,
        awaiting=other,
        start=start,
        end=start + timedelta(minutes=30),
        message=TEXTS["meeting"],
    )
    Report.objects.create(event=event, reporter=person, reported=staff, reason=TEXTS["report"])
    Report.objects.create(event=event, reporter=other, reported=person, reason="Zu laut")
    Speaker.objects.filter(pk=speaker.pk).update(bio=TEXTS["speaker_bio"])
    # Last: a ban would refuse the person's activity above.
    Ban.objects.create(event=event, user=person, reason=TEXTS["ban"], created_by=organizer)
    person.refresh_from_db()
    return World(event, session, person, other, staff, organizer, exhibitor, conversation, meeting)


def _message(message):
    message.refresh_from_db()
    return message


def search_database(strings):
    """``{table.column: [string, …]}`` for every column of every table holding one of ``strings``."""
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                quoted = connection.ops.quote_name(table)
                for string in strings:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted} "  # noqa: S608
                        f"WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",
                        [f"%{string.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.setdefault(f"{table}.{column.name}", []).append(string)
    return found
