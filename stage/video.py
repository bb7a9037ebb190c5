"""Video rooms for round tables, workshops, booths and meetings: one interface, two providers.

A provider turns (room name, person, moderator or not) into a join URL and, where its server
says so, the number of people inside. Configured from the environment (``VIDEO_PROVIDER`` and the
provider's variables, see docs/stage.md); with none configured, nobody gets a join button.

* BigBlueButton: its checksum API (``<call><query><secret>`` hashed with SHA-1, or SHA-256 when
  ``BBB_CHECKSUM=sha256``). ``create`` is idempotent for one meeting ID, so every join creates first.
* Jitsi Meet: a room name per session; with ``JITSI_SECRET`` set, an HS256 JWT as Jitsi's
  token authentication (prosody ``token`` auth) expects it, with the moderator flag in its context.
"""

import hashlib
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import slugify

TIMEOUT = 5


class VideoProviderError(Exception):
    """The video server refused a call or could not be reached."""


@dataclass(frozen=True)
class VideoRoom:
    """A meeting on the provider: its ID (stable per session, booth or meeting) and its title."""

    key: str
    name: str
    record: bool = False


@dataclass(frozen=True)
class Participant:
    user_id: int
    name: str
    is_moderator: bool


class VideoProvider:
    name = ""

    def join_url(self, room, participant):
        raise NotImplementedError

    def occupancy(self, room):
        """People in the room now, or None where the provider cannot say."""
        return None

    def end(self, room):
        """Close the meeting for everyone (when the session ends)."""


class BigBlueButton(VideoProvider):
    name = "bigbluebutton"

    def __init__(self, url, secret, *, algorithm="sha1"):
        self.base = url.rstrip("/") + "/"
        if not self.base.endswith("/api/"):
            self.base += "api/"
        self.secret = secret
        self.algorithm = algorithm

    def checksum(self, call, query):
        return hashlib.new(self.algorithm, f"{call}{query}{self.secret}".encode()).hexdigest()

    def url(self, call, params):
        query = urllib.parse.urlencode(params)
        return f"{self.base}{call}?{query}&checksum={self.checksum(call, query)}"

    def call(self, call, params):
        """The parsed XML response; raises VideoProviderError unless its returncode is SUCCESS."""
        try:
            with urllib.request.urlopen(self.url(call, params), timeout=TIMEOUT) as response:  # noqa: S310
                body = response.read()
        except OSError as error:
            raise VideoProviderError(f"{call}: {error}") from error
        try:
            root = ElementTree.fromstring(body)  # noqa: S314  (the configured server's answer)
        except ElementTree.ParseError as error:
            raise VideoProviderError(f"{call}: not XML") from error
        return root

    def create(self, room):
        root = self.call(
            "create",
            {
                "meetingID": room.key,
                "name": room.name,
                "record": "true" if room.record else "false",
                "autoStartRecording": "false",
                "allowStartStopRecording": "true" if room.record else "false",
            },
        )
        if root.findtext("returncode") != "SUCCESS":
            raise VideoProviderError(f"create: {root.findtext('messageKey')}")
        return root

    def join_url(self, room, participant):
        self.create(room)
        return self.url(
            "join",
            {
                "meetingID": room.key,
                "fullName": participant.name,
                "userID": str(participant.user_id),
                "role": "MODERATOR" if participant.is_moderator else "VIEWER",
                "redirect": "true",
            },
        )

    def occupancy(self, room):
        root = self.call("getMeetingInfo", {"meetingID": room.key})
        if root.findtext("returncode") != "SUCCESS":
            return 0  # notFound: nobody has opened it yet
        return int(root.findtext("participantCount") or 0)

    def end(self, room):
        root = self.call("end", {"meetingID": room.key})
        if root.findtext("returncode") != "SUCCESS" and root.findtext("messageKey") != "notFound":
            raise VideoProviderError(f"end: {root.findtext('messageKey')}")


class Jitsi(VideoProvider):
    name = "jitsi"

    def __init__(self, url, *, app_id="", secret="", lifetime=4 * 3600):
        self.base = url.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.lifetime = lifetime

    def room_name(self, room):
        return slugify(room.key).replace("-", "") or "treffpunkt"

    def token(self, room, participant, *, now=None):
        import jwt

        now = int(now if now is not None else time.time())
        claims = {
            "aud": "jitsi",
            "iss": self.app_id,
            "sub": urllib.parse.urlsplit(self.base).hostname,
            "room": self.room_name(room),
            "iat": now,
            "nbf": now - 60,
            "exp": now + self.lifetime,
            "context": {
                "user": {
                    "id": str(participant.user_id),
                    "name": participant.name,
                    "moderator": participant.is_moderator,
                }
            },
            "moderator": participant.is_moderator,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def join_url(self, room, participant):
        url = f"{self.base}/{self.room_name(room)}"
        if self.secret:
            url += "?" + urllib.parse.urlencode({"jwt": self.token(room, participant)})
        return url


def configured_provider():
    """The provider the settings name, or None (no video rooms)."""
    name = getattr(settings, "VIDEO_PROVIDER", "")
    if name == BigBlueButton.name and settings.BBB_URL and settings.BBB_SECRET:
        return BigBlueButton(settings.BBB_URL, settings.BBB_SECRET, algorithm=settings.BBB_CHECKSUM)
    if name == Jitsi.name and settings.JITSI_URL:
        return Jitsi(settings.JITSI_URL, app_id=settings.JITSI_APP_ID, secret=settings.JITSI_SECRET)
    return None
