"""A chat message is stored, stamped, logged and published together, and a resend takes nothing.

On PostgreSQL the message's row, its seq and the log entry are one statement without a
transaction of its own (``events.create_and_emit``): the keynote's chat storm queues its writes on
one database thread per process, and each round trip there delays every message behind it.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper

from congress import live_services
from congress.models import ChatMessage, Registration, Session
from tests.factories import RegistrationFactory, SessionFactory, UserFactory
from treffpunkt.models import TopicCounter, TopicEvent
from treffpunkt.realtime import bus
from treffpunkt.realtime.events import create_and_emit


@pytest.fixture
def writer():
    session = SessionFactory(state=Session.State.LIVE)
    user = UserFactory(first_name="Anna", last_name="Adler")
    RegistrationFactory(event=session.event, user=user, role=Registration.Role.ATTENDEE)
    return session, user


@pytest.fixture
def published(monkeypatch):
    pushes = []
    monkeypatch.setattr(bus, "publish", lambda *args, **kwargs: pushes.append((args, kwargs)))
    return pushes


def send(session, user, text, client_id):
    return live_services.send_chat_message(
        user=user, session=session, text=text, client_id=client_id
    )


@pytest.mark.django_db(transaction=True)
def test_the_message_its_log_entry_and_its_push_agree_and_a_resend_takes_nothing(writer, published):
    session, user = writer
    topic = f"session:{session.pk}"
    statements = []
    execute = CursorWrapper._execute_with_wrappers

    def counting(self, sql, *args, **kwargs):
        statements.append(sql)
        return execute(self, sql, *args, **kwargs)

    first, _created = send(session, user, "Guten Morgen aus Kassel!", "a-1")
    CursorWrapper._execute_with_wrappers = counting
    try:
        message, created = send(session, user, "Grüße aus Fulda", "a-2")
    finally:
        CursorWrapper._execute_with_wrappers = execute

    assert created
    stored = ChatMessage.objects.get(pk=message.pk)
    assert (stored.text, stored.seq, stored.user_id) == ("Grüße aus Fulda", 2, user.pk)
    assert stored.created_at == message.created_at
    logged = TopicEvent.objects.get(topic=topic, seq=2)
    assert logged.type == "chat.message"
    assert logged.data == live_services.chat_message_data(stored)
    assert logged.data["id"] == message.pk != first.pk
    assert logged.data["user"] == {"id": user.pk, "name": "Anna Adler"}
    assert published[-1] == ((topic, "chat.message", logged.data), {"seq": 2})
    if connection.vendor == "postgresql":
        # The check for a resend, the rules, then the message: no BEGIN, no COMMIT.
        writes = [sql for sql in statements if not sql.lstrip().startswith("SELECT")]
        assert len(writes) == 1, writes

    again, created = send(session, user, "Grüße aus Fulda", "a-2")

    assert not created and again.pk == message.pk
    assert TopicCounter.objects.get(topic=topic).value == 2
    assert TopicEvent.objects.filter(topic=topic).count() == 2
    assert len(published) == 2


@pytest.mark.django_db
def test_a_message_that_cannot_be_stored_leaves_a_surrounding_transaction_usable(writer):
    session, user = writer
    topic = f"session:{session.pk}"
    send(session, user, "Hallo", "a-1")
    values = {"session": session, "user": user, "text": "Hallo", "client_id": "a-1"}

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            create_and_emit(
                ChatMessage, values, topic, "chat.message", live_services.chat_message_data
            )
        # The surrounding transaction goes on.
        assert ChatMessage.objects.filter(session=session).count() == 1

    assert TopicCounter.objects.get(topic=topic).value == 1
    assert TopicEvent.objects.filter(topic=topic).count() == 1
