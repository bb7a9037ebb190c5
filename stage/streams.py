"""What the stage player plays: the stream type of a room's URL and, for embeds, the frame's URL.

The player (web/static/web/stage/player.js) gets one :class:`Stream`; every decision about
third-party frames is taken here, on the server, against the event's allow-list.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .models import RoomStage

StreamType = RoomStage.StreamType


@dataclass(frozen=True)
class EmbedProvider:
    key: str
    name: str
    hosts: tuple
    # Turns the page URL someone pasted into the player URL to frame, or None if it names no video.
    to_player: object


def _youtube(url):
    parts = urlsplit(url)
    video = None
    if parts.hostname == "youtu.be":
        video = parts.path.strip("/")
    elif parts.path == "/watch":
        video = parse_qs(parts.query).get("v", [None])[0]
    else:
        match = re.match(r"^/(?:embed|live)/([\w-]+)", parts.path)
        video = match.group(1) if match else None
    if not video or not re.fullmatch(r"[\w-]{6,20}", video):
        return None
    return f"https://www.youtube-nocookie.com/embed/{video}"


def _vimeo(url):
    match = re.search(r"/(?:video/|event/)?(\d+)", urlsplit(url).path)
    if not match:
        return None
    if "/event/" in urlsplit(url).path:
        return f"https://vimeo.com/event/{match.group(1)}/embed"
    return f"https://player.vimeo.com/video/{match.group(1)}"


EMBED_PROVIDERS = {
    provider.key: provider
    for provider in (
        EmbedProvider(
            "youtube",
            "YouTube",
            ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"),
            _youtube,
        ),
        EmbedProvider("vimeo", "Vimeo", ("vimeo.com", "player.vimeo.com"), _vimeo),
    )
}


@dataclass(frozen=True)
class Stream:
    """The room's stream as the player needs it. ``type`` is one of StreamType but never AUTO."""

    type: str
    url: str
    poster: str = ""
    embed_url: str = ""
    provider: str = ""

    @property
    def is_embed(self):
        return self.type == StreamType.EMBED


def detect_stream_type(url):
    """The stream type of a URL by its path: .m3u8 is HLS, .mpd DASH, .mp4/.webm a file, else embed."""
    path = urlsplit(url).path.lower()
    if path.endswith(".m3u8"):
        return StreamType.HLS
    if path.endswith(".mpd"):
        return StreamType.DASH
    if path.endswith((".mp4", ".webm", ".m4v", ".mov")):
        return StreamType.MP4
    return StreamType.EMBED


def embed_for(url, allowed):
    """``(player URL, provider name)`` when the event allows framing ``url``, else None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    host = parts.hostname.lower()
    for key in allowed:
        provider = EMBED_PROVIDERS.get(key)
        if provider is not None:
            if host in provider.hosts:
                player = provider.to_player(url)
                return (player, provider.name) if player else None
        elif isinstance(key, str) and host == key.lower():
            return url, host
    return None


def stream_for(room, *, allowed_embeds=()):
    """The room's stream, or None when it has none or its embed is not on the allow-list."""
    if room is None or not room.stream_url:
        return None
    try:
        stage = room.stage
    except RoomStage.DoesNotExist:
        stage = None
    stream_type = stage.stream_type if stage is not None else StreamType.AUTO
    if stream_type == StreamType.AUTO:
        stream_type = detect_stream_type(room.stream_url)
    poster = stage.poster_url if stage is not None else ""
    if stream_type != StreamType.EMBED:
        return Stream(type=stream_type, url=room.stream_url, poster=poster)
    embed = embed_for(room.stream_url, allowed_embeds)
    if embed is None:
        return Stream(type="link", url=room.stream_url, poster=poster)
    player, provider = embed
    return Stream(
        type=StreamType.EMBED,
        url=room.stream_url,
        poster=poster,
        embed_url=player,
        provider=provider,
    )


def stream_data(stream):
    """The stream as pushed in ``room.stream_changed`` (None: the room has no stream now)."""
    if stream is None:
        return None
    return {
        "type": stream.type,
        "url": stream.url,
        "poster": stream.poster,
        "embed_url": stream.embed_url,
        "provider": stream.provider,
    }
