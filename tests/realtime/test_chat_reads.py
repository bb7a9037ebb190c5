"""Chat messages that wait for the database thread together read what they need together.

At the keynote hundreds write within a minute; on PostgreSQL each message's reads were round
trips of their own, one after the other on the database thread (docs/performance.md). Messages
that share a trip read their sessions, their writers' rules and whether they were sent already
with one query each, and every sender still gets exactly its own answer.
"""

import asyncio
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from django.db.backends.utils import CursorWrapper

from congress.models import Ban, ChatMessage, Mute, Registration, Session
from tests.factories import RegistrationFactory, SessionFactory, UserFactory
from treffpunkt.errors import DomainError
from treffpunkt.realtime.registry import get_handler

pytestmark = [pytest.mark.django_db(transaction=True)]


def scene():
    session = SessionFactory(state=Session.State.LIVE)
    people = {name: UserFactory(username=name) for name in ("anna", "bert", "clara", "dora")}
    people.update({f"gast{n}": UserFactory(username=f"gast{n}") for n in range(8)})
    people["emil"] = UserFactory(username="emil")  # not registered
    for name, user in people.items():
        if name != "emil":
            RegistrationFactory(event=session.event, user=user, role=Registration.Role.ATTENDEE)
    Ban.objects.create(event=session.event, user=people["bert"])
    Mute.objects.create(session=session, user=people["clara"])
    ChatMessage.objects.create(session=session, user=people["dora"], text="Hallo", client_id="d-1")
    return session, people


def outcome(result):
    if isinstance(result, BaseException):
        return getattr(result, "code", type(result).__name__)
    return (result["message"]["user"]["id"], result["message"]["text"], result["duplicate"])


async def test_chat_messages_together_read_with_one_query_each_and_answer_each_sender():
    session, people = await sync_to_async(scene)()
    topic = f"session:{session.pk}"
    send = get_handler("chat.send", {"topic": topic}).function

    def request(name, text, client_id):
        ctx = SimpleNamespace(user=people[name], require_subscribed=lambda topic: None)
        return send(ctx, {"topic": topic, "text": text, "client_id": client_id})

    calls = [request("anna", "Guten Morgen aus Kassel!", "a-1")]
    calls += [request(f"gast{n}", f"Hallo von Gast {n}", f"g-{n}") for n in range(8)]
    calls += [
        request("bert", "Gesperrt", "b-1"),
        request("clara", "Stumm", "c-1"),
        request("dora", "Hallo", "d-1"),  # sent before: the stored message again
        request("emil", "Nicht angemeldet", "e-1"),
        request("anna", "Zweimal", "a-2"),  # the same client id twice in one trip
        request("anna", "Zweimal", "a-2"),
    ]
    statements = []
    execute = CursorWrapper._execute_with_wrappers

    def counting(self, sql, *args, **kwargs):
        statements.append(sql)
        return execute(self, sql, *args, **kwargs)

    CursorWrapper._execute_with_wrappers = counting
    try:
        results = await asyncio.gather(*calls, return_exceptions=True)
    finally:
        CursorWrapper._execute_with_wrappers = execute

    anna, dora = people["anna"].pk, people["dora"].pk
    assert [outcome(result) for result in results] == [
        (anna, "Guten Morgen aus Kassel!", False),
        *((people[f"gast{n}"].pk, f"Hallo von Gast {n}", False) for n in range(8)),
        "forbidden",  # banned: no longer takes part
        "muted",
        (dora, "Hallo", True),
        "forbidden",
        (anna, "Zweimal", False),
        (anna, "Zweimal", True),
    ]
    assert isinstance(results[10], DomainError)
    stored = await sync_to_async(
        lambda: list(ChatMessage.objects.filter(session=session).values_list("client_id", "seq"))
    )()
    assert sorted(client_id for client_id, _seq in stored) == sorted(
        ["d-1", "a-1", "a-2", *(f"g-{n}" for n in range(8))]
    )
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    # The session, the writers' rules, the messages sent already: one query each for the trip,
    # and the twice-sent client id asks twice for itself. Alone, each message asks twice.
    assert len(reads) == 5, reads
