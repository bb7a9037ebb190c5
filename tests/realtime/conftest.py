import json
from datetime import timedelta

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.authtoken.models import Token

from congress.models import Registration, Session
from tests.factories import RegistrationFactory, SessionFactory, SpeakerFactory, UserFactory
from treffpunkt.asgi import application


class Client:
    """A websocket client speaking the envelope: requests get ids, replies are matched to them."""

    def __init__(self, communicator):
        self.ws = communicator
        self.next_id = 0
        self.pushes = []

    async def send_raw(self, text=None, bytes_=None):
        if bytes_ is not None:
            await self.ws.send_to(bytes_data=bytes_)
        else:
            await self.ws.send_to(text_data=text)

    async def receive(self, timeout=3):
        return json.loads(await self.ws.receive_from(timeout=timeout))

    async def request(self, type_, data=None, timeout=3):
        self.next_id += 1
        request_id = self.next_id
        await self.ws.send_to(
            text_data=json.dumps({"id": request_id, "type": type_, "data": data or {}})
        )
        return await self.reply_to(request_id, timeout=timeout)

    async def reply_to(self, request_id, timeout=3):
        while True:
            message = await self.receive(timeout=timeout)
            if message.get("reply_to", "absent") == request_id:
                return message
            self.pushes.append(message)

    async def push(self, type_, timeout=3):
        for index, message in enumerate(self.pushes):
            if message.get("type") == type_:
                return self.pushes.pop(index)
        while True:
            message = await self.receive(timeout=timeout)
            if message.get("type") == type_:
                return message
            self.pushes.append(message)

    async def nothing_more(self, timeout=0.3):
        return await self.ws.receive_nothing(timeout=timeout)

    async def more_of(self, type_, timeout=0.5):
        """Further pushes of ``type_`` within ``timeout`` (other pushes, e.g. a late viewer count,
        are kept aside as in ``push``)."""
        while not await self.ws.receive_nothing(timeout=timeout):
            self.pushes.append(await self.receive())
        found = [message for message in self.pushes if message.get("type") == type_]
        self.pushes = [message for message in self.pushes if message.get("type") != type_]
        return found

    async def close(self):
        await self.ws.disconnect()


@pytest.fixture
def connect():
    opened = []

    async def open_socket(
        user=None, *, token=None, origin="http://testserver", host="testserver", expect=True
    ):
        headers = [(b"host", host.encode())]
        if origin is not None:
            headers.append((b"origin", origin.encode()))
        if user is not None:
            key = await sync_to_async(lambda: Token.objects.get_or_create(user=user)[0].key)()
            headers.append((b"authorization", f"Token {key}".encode()))
        if token is not None:
            headers.append((b"authorization", f"Token {token}".encode()))
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, _code = await communicator.connect(timeout=3)
        if not expect:
            if not connected:
                return False  # the handshake was refused
            # Accepted only to be told why: the close code.
            closed = await communicator.receive_output(timeout=3)
            assert closed["type"] == "websocket.close", closed
            return closed["code"]
        assert connected
        client = Client(communicator)
        hello = await client.receive()
        assert hello["type"] == "hello"
        client.hello = hello
        client.greeting = None
        if hello["data"]["user"] is not None:
            # A logged-in socket is told the bell's count first (registry.greeting).
            client.greeting = await client.receive()
            assert client.greeting["type"] == "notification.count", client.greeting
        opened.append(client)
        return client

    yield open_socket


@pytest.fixture
def live_session(event):
    now = timezone.now()
    return SessionFactory(
        event=event,
        start=max(event.starts_at, now - timedelta(minutes=10)),
        end=max(event.starts_at, now - timedelta(minutes=10)) + timedelta(hours=1),
        state=Session.State.LIVE,
    )


@pytest.fixture
def event(db):
    from tests.factories import EventFactory

    today = timezone.localdate()
    yield EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))
    # The hub's tick starts some writes without waiting for them (a session's new viewers and
    # peak, backoffice/viewers.py). Let them end before the test database is flushed under them
    # (this runs before `db` tears down): SQLite's shared in-memory database refuses the flush
    # with "database table is locked" while one is running.
    SyncToAsync.single_thread_executor.submit(lambda: None).result(timeout=30)


@pytest.fixture
def people(event, live_session):
    anna = UserFactory(username="anna", first_name="Anna", last_name="Schneider")
    ben = UserFactory(username="ben", first_name="Ben", last_name="Yilmaz")
    orga = UserFactory(username="orga")
    speaker_user = UserFactory(username="sprecherin")
    outsider = UserFactory(username="gast")
    RegistrationFactory(event=event, user=anna)
    RegistrationFactory(event=event, user=ben)
    RegistrationFactory(event=event, user=orga, role=Registration.Role.ORGANIZER)
    RegistrationFactory(event=event, user=speaker_user, role=Registration.Role.SPEAKER)
    live_session.speakers.add(SpeakerFactory(event=event, user=speaker_user))
    return {"anna": anna, "ben": ben, "orga": orga, "speaker": speaker_user, "outsider": outsider}
