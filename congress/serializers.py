from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import CANCELLATION_NOTE_MAX, Event, Registration, Room, Session, Speaker, Track


class EventSerializer(serializers.ModelSerializer):
    days = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "acronym",
            "name",
            "description",
            "timezone",
            "start_date",
            "end_date",
            "days",
            "languages",
            "is_published",
            "speaker_count",
            "exhibitor_count",
            "session_count",
        ]
        read_only_fields = ["id", "days", "speaker_count", "exhibitor_count", "session_count"]

    speaker_count = serializers.IntegerField(read_only=True)
    exhibitor_count = serializers.IntegerField(read_only=True)
    session_count = serializers.IntegerField(read_only=True)

    def get_days(self, event) -> list[str]:
        return [day.isoformat() for day in event.days]

    def validate_acronym(self, value):
        import re

        if not re.fullmatch(r"[a-z0-9_-][a-z0-9_]{3,}", value):
            raise serializers.ValidationError(
                _("Use at least four lower-case letters, digits or _, e.g. dsdr2026.")
            )
        return value

    def validate_timezone(self, value):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(_("Unknown time zone.")) from None
        return value

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": _("The last day must not be before the first.")}
            )
        return attrs


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "guid", "name", "description", "capacity", "stream_url", "position"]
        read_only_fields = ["id", "guid"]


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "color"]
        read_only_fields = ["id"]

    def validate_color(self, value):
        import re

        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise serializers.ValidationError(_("Use a colour like #005ea8."))
        return value


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "guid", "name", "organisation", "position", "bio", "photo", "user"]
        read_only_fields = ["id", "guid"]
        extra_kwargs = {"user": {"write_only": True, "required": False}}


class EventScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A primary key that only resolves to objects of the event in the serializer's context."""

    def get_queryset(self):
        return self.queryset.filter(event=self.context["event"])


class SpeakerSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "name", "organisation"]


class SessionSerializer(serializers.ModelSerializer):
    room = EventScopedPrimaryKey(queryset=Room.objects.all(), allow_null=True, required=False)
    track = EventScopedPrimaryKey(queryset=Track.objects.all(), allow_null=True, required=False)
    speakers = EventScopedPrimaryKey(queryset=Speaker.objects.all(), many=True, required=False)
    room_name = serializers.CharField(source="room.name", read_only=True, default=None)
    track_name = serializers.CharField(source="track.name", read_only=True, default=None)
    speaker_details = SpeakerSummarySerializer(source="speakers", many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "guid",
            "title",
            "abstract",
            "description",
            "kind",
            "language",
            "start",
            "end",
            "room",
            "room_name",
            "track",
            "track_name",
            "speakers",
            "speaker_details",
            "capacity",
            "state",
            "cancellation_note",
        ]
        read_only_fields = ["id", "guid"]


class SessionStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Session.State.choices)
    # Only with "cancelled"; left out, the stored note stays (congress.services.set_session_state).
    cancellation_note = serializers.CharField(
        required=False, allow_blank=True, max_length=CANCELLATION_NOTE_MAX, trim_whitespace=True
    )


class RegistrationSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    agenda_ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["id", "user", "username", "role", "created_at", "agenda_ics_url"]
        read_only_fields = ["id", "user", "username", "created_at", "agenda_ics_url"]

    def get_agenda_ics_url(self, registration) -> str | None:
        request = self.context.get("request")
        if request is None or request.user != registration.user:
            return None
        from django.urls import reverse

        return request.build_absolute_uri(
            reverse("agenda-ics", kwargs={"token": registration.agenda_token})
        )


class FavouriteSerializer(serializers.Serializer):
    session = serializers.IntegerField()


def session_event_data(session):
    """The session as pushed in ``programme.changed`` (no queries beyond the loaded relations)."""
    return {
        "id": session.pk,
        "guid": str(session.guid),
        "title": session.title,
        "kind": session.kind,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "room": session.room_id,
        "room_name": session.room.name if session.room_id else "",
        "track": session.track_id,
        "state": session.state,
        "cancellation_note": session.cancellation_note,
    }
