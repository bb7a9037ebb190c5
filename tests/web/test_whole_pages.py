"""The programme and session pages kept whole (web/page_cache.py ``respond``): rendered once with
holes for each visitor's own values, then filled per request. A kept page must be exactly what the
visitor would have got rendered for them alone, and its forms must work with their CSRF cookie."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from accessibility.models import Captioner, RoomMedia
from congress.models import Favourite, Registration, Session
from stage.models import RoomStage, StageSettings
from tests.factories import RegistrationFactory, RoomFactory, SessionFactory, UserFactory, at

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|data-csrf=")[^"]+')


def without_tokens(html):
    return TOKENS.sub(r"\1…", html)


@pytest.fixture
def keynote(event):
    room = RoomFactory(
        event=event, name="Saal 1", stream_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    return SessionFactory(
        event=event, room=room, title="Eröffnung", start=at(event, 9), end=at(event, 10)
    )


def person(event, username, role=Registration.Role.ATTENDEE):
    user = UserFactory(username=username)
    RegistrationFactory(event=event, user=user, role=role)
    return user


def page(user, url):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return client, response.content.decode()


def visitors(event, keynote):
    """Pairs of visitors: the first one's visit keeps the page, the second one's is filled."""
    anna, ben = person(event, "anna"), person(event, "ben")
    orga, orga2 = (
        person(event, "orga", Registration.Role.ORGANIZER),
        person(event, "orga2", Registration.Role.ORGANIZER),
    )
    starred = person(event, "carla")
    Favourite.objects.create(user=starred, session=keynote)
    captioner = person(event, "dora")
    Captioner.objects.create(session=keynote, user=captioner)
    return [
        (anna, ben),
        (orga, orga2),
        (None, None),
        (None, anna),
        (starred, ben),
        (ben, starred),
        (captioner, anna),
        (captioner, orga),  # both may caption; only the organizer may ban
        (orga, captioner),
        (orga, anna),
        (anna, orga),
    ]


@pytest.mark.parametrize("which", ["programme", "session"])
def test_a_kept_page_is_what_each_visitor_would_get_rendered_for_them(event, keynote, which):
    url = f"/events/{event.slug}/"
    if which == "session":
        url += f"sessions/{keynote.pk}/"
    for first, second in visitors(event, keynote):
        caches["pages"].clear()
        _client, alone = page(second, url)
        caches["pages"].clear()
        page(first, url)
        _client, kept = page(second, url)

        assert without_tokens(kept) == without_tokens(alone), (first, second)
        if second is not None:
            assert f">{second.username}</a>" in kept
            if which == "session":
                assert f'data-user="{second.pk}"' in kept
        if first is not None and first != second:
            assert f">{first.username}</a>" not in kept
            assert f'data-user="{first.pk}"' not in kept


def test_the_forms_of_a_kept_page_work_with_each_visitors_own_token(event, keynote):
    anna, ben = person(event, "anna"), person(event, "ben")
    url = f"/events/{event.slug}/sessions/{keynote.pk}/"
    page(anna, url)  # kept

    client, html = page(ben, url)
    token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    response = client.post(
        f"/events/{event.slug}/sessions/{keynote.pk}/favourite/",
        {"action": "add", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert Favourite.objects.filter(user=ben, session=keynote).exists()
    assert not Favourite.objects.filter(user=anna).exists()
    # The message of the redirect is shown once, on a page rendered for ben alone.
    html = client.get(response["Location"]).content.decode()
    assert "Aus meinem Programm entfernen" in html
    assert 'class="message message--success"' in html
    assert 'class="message' not in client.get(url).content.decode()


def test_a_changed_stage_shows_on_the_next_load_of_a_kept_session_page(event, keynote):
    url = f"/events/{event.slug}/sessions/{keynote.pk}/"
    anna = person(event, "anna")
    assert (
        "youtube-nocookie.com/embed/dQw4w9WgXcQ" not in page(anna, url)[1]
    )  # not on the allow-list

    settings = StageSettings.objects.create(event=event, embed_providers=["youtube"])
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in page(anna, url)[1]

    keynote.room.stream_url = "https://cdn.example.org/live/saal1.m3u8"
    keynote.room.save()
    stage = RoomStage.objects.create(
        room=keynote.room, stream_type="hls", poster_url="https://cdn.example.org/poster.jpg"
    )
    from congress import services

    services.note_room_change(keynote.room, stream_changed=True)
    html = page(anna, url)[1]
    assert 'data-stream-type="hls"' in html and "https://cdn.example.org/poster.jpg" in html

    stage.poster_url = "https://cdn.example.org/poster2.jpg"
    stage.save()
    html = page(anna, url)[1]
    assert "poster2.jpg" in html and "poster.jpg" not in html.replace("poster2.jpg", "")

    media = RoomMedia.objects.create(
        room=keynote.room, captions_url="https://captions.example.org/saal1.vtt"
    )
    assert 'data-captions-url="https://captions.example.org/saal1.vtt"' in page(anna, url)[1]

    media.delete()
    stage.delete()
    settings.delete()
    html = page(anna, url)[1]
    assert "saal1.vtt" not in html and "poster2.jpg" not in html


def test_starts_at_goes_once_the_kept_session_page_s_session_starts(event, monkeypatch):
    start = (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    later = SessionFactory(
        event=event, room=RoomFactory(event=event), title="Später", start=start,
        end=start + timedelta(hours=1), state=Session.State.SCHEDULED,
    )  # fmt: skip
    url = f"/events/{event.slug}/sessions/{later.pk}/"
    assert "data-stage-before" in page(None, url)[1]

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=1))

    assert "data-stage-before" not in page(None, url)[1]


def test_a_kept_round_table_page_offers_the_video_room_only_to_those_who_may_join(event, settings):
    settings.VIDEO_PROVIDER = "jitsi"
    settings.JITSI_URL = "https://meet.example.org/"
    round_table = SessionFactory(
        event=event, kind=Session.Kind.ROUND_TABLE, start=at(event, 11), end=at(event, 12)
    )
    url = f"/events/{event.slug}/sessions/{round_table.pk}/"
    registered, guest = person(event, "anna"), UserFactory(username="gast")
    join = "data-video-join"

    for first, second in ((registered, guest), (guest, registered)):
        caches["pages"].clear()
        _client, alone = page(second, url)
        caches["pages"].clear()
        page(first, url)
        _client, kept = page(second, url)

        assert without_tokens(kept) == without_tokens(alone)
        assert (join in kept) == (second == registered)
