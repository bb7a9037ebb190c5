"""Stream types and the embed allow-list (stage/streams.py), and the stage on the session page."""

import pytest

from stage.models import RoomStage, StageSettings
from stage.streams import detect_stream_type, embed_for, stream_for
from tests.factories import RoomFactory, SessionFactory, at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cdn.example.org/live/saal1/index.m3u8", "hls"),
        ("https://cdn.example.org/live/saal1/manifest.mpd", "dash"),
        ("https://cdn.example.org/aufzeichnung.mp4?token=1", "mp4"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "embed"),
    ],
)
def test_stream_type_detected_from_the_path(url, expected):
    assert detect_stream_type(url) == expected


@pytest.mark.parametrize(
    ("url", "allowed", "expected"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ["youtube"],
            ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "YouTube"),
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            ["youtube"],
            ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "YouTube"),
        ),
        (
            "https://vimeo.com/76979871",
            ["vimeo"],
            ("https://player.vimeo.com/video/76979871", "Vimeo"),
        ),
        (
            "https://player.example-stream.de/embed/saal1",
            ["player.example-stream.de"],
            ("https://player.example-stream.de/embed/saal1", "player.example-stream.de"),
        ),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ["vimeo"], None),
        ("http://player.example-stream.de/embed/saal1", ["player.example-stream.de"], None),
        ("https://evil.example/embed", ["player.example-stream.de"], None),
        ("https://www.youtube.com/watch?v=<script>", ["youtube"], None),
    ],
)
def test_embeds_only_from_the_allow_list(url, allowed, expected):
    assert embed_for(url, allowed) == expected


def test_set_stream_type_and_poster_win_over_detection(event):
    room = RoomFactory(event=event, stream_url="https://cdn.example.org/live/saal1")
    RoomStage.objects.create(
        room=room, stream_type="hls", poster_url="https://cdn.example.org/poster.jpg"
    )

    stream = stream_for(room)

    assert (stream.type, stream.poster) == ("hls", "https://cdn.example.org/poster.jpg")


def session_page(client, session):
    return client.get(f"/events/{session.event.slug}/sessions/{session.pk}/").content.decode()


def stage_body(html):
    """What the player shows, without the <template>s a changed stream is built from."""
    return html.split("data-stage-body>")[1].split("<template data-stage-kind=")[0]


def test_session_page_holds_no_frame_before_the_privacy_click(client, event):
    StageSettings.objects.create(event=event, embed_providers=["youtube"])
    room = RoomFactory(event=event, stream_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    session = SessionFactory(event=event, room=room, start=at(event, 10), end=at(event, 11))

    html = session_page(client, session)

    assert "<iframe" in html.split("<template data-stage-frame>")[1]  # only inside the template
    assert "<iframe" not in html.split("<template data-stage-frame>")[0]
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'src="https://www.youtube-nocookie.com' not in html


def test_embed_not_on_the_allow_list_is_only_a_link(client, event):
    room = RoomFactory(event=event, stream_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    session = SessionFactory(event=event, room=room, start=at(event, 10), end=at(event, 11))

    body = stage_body(session_page(client, session))

    assert "data-stage-consent" not in body
    assert "data-stage-frame" not in body
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in body


def test_next_session_in_the_room_and_the_start_time(client, event):
    room = RoomFactory(event=event, stream_url="https://cdn.example.org/saal1.m3u8")
    session = SessionFactory(event=event, room=room, start=at(event, 10), end=at(event, 11))
    SessionFactory(event=event, room=room, title="Danach", start=at(event, 11), end=at(event, 12))
    SessionFactory(
        event=event, room=room, title="Abgesagt", start=at(event, 11), end=at(event, 12),
        state="cancelled",
    )  # fmt: skip

    html = session_page(client, session)

    assert "Danach" in html and "Abgesagt</a>" not in html
    assert "data-stage-before" not in html  # the event lies in the past


def test_before_the_start_the_poster_and_the_start_time(client, event):
    from datetime import timedelta

    from django.utils import timezone

    event.start_date = timezone.localdate() + timedelta(days=3)
    event.end_date = event.start_date
    event.save()
    room = RoomFactory(event=event, stream_url="https://cdn.example.org/saal1.m3u8")
    RoomStage.objects.create(room=room, poster_url="https://cdn.example.org/poster.jpg")
    session = SessionFactory(event=event, room=room, start=at(event, 14), end=at(event, 15))

    html = session_page(client, session)

    assert 'poster="https://cdn.example.org/poster.jpg"' in html
    assert "data-stage-before>Beginnt um 14:00</p>" in html
