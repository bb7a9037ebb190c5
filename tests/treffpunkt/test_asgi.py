"""Django under ASGI (treffpunkt.asgi): the whole middleware chain and the view run as one sync
call, and every middleware still does its part."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings

from tests.factories import EventFactory, SessionFactory, UserFactory


def call(path, *, cookie=""):
    from treffpunkt.asgi import django_application

    messages = []
    received = []

    async def receive():
        if not received:
            received.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the response is sent

    async def send(message):
        messages.append(message)

    headers = [(b"host", b"testserver"), (b"accept-language", b"en")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "scheme": "http",
        "query_string": b"",
        "headers": headers,
    }
    async_to_sync(django_application)(scope, receive, send)
    start = messages[0]
    body = b"".join(message.get("body", b"") for message in messages[1:])
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


# The request runs on asgiref's shared thread, which sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_a_page_through_asgi_passes_every_middleware(client):
    event = EventFactory()
    session = SessionFactory(event=event, title="Eröffnung")
    user = UserFactory(username="anna")
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    status, headers, body = call(f"/events/{event.slug}/sessions/{session.pk}/", cookie=cookie)

    assert status == 200
    page = body.decode()
    assert "Eröffnung" in page
    assert ">anna</a>" in page  # session and authentication middleware
    assert 'lang="en"' in page  # locale middleware
    assert "content-security-policy" in headers
    assert headers["x-frame-options"] == "DENY"
    assert "csrftoken=" in headers.get("set-cookie", "")


@pytest.mark.django_db(transaction=True)
def test_an_unknown_path_through_asgi_is_404():
    status, _headers, _body = call("/events/nirgends/")

    assert status == 404
