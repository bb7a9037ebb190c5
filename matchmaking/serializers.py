from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.live_services import user_data
from treffpunkt import privacy

from .meetings import meeting_data
from .models import Meeting, MeetingSlot, Profile, Report, Tag


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["name", "slug"]


class ProfileSerializer(serializers.ModelSerializer):
    """A profile as others see it; ``user`` is the user's id, ``name`` the display name."""

    name = serializers.SerializerMethodField()
    organisation_type_display = serializers.CharField(
        source="get_organisation_type_display", read_only=True
    )

    class Meta:
        model = Profile
        fields = [
            "user",
            "name",
            "is_visible",
            "organisation",
            "organisation_type",
            "organisation_type_display",
            "position",
            "region",
            "interests",
            "offers",
            "seeks",
            "languages",
            "bio",
        ]
        read_only_fields = ["user", "name"]

    def get_name(self, profile) -> str:
        return profile.user.get_full_name() or profile.user.username


class ProfileUpdateSerializer(serializers.ModelSerializer):
    """Shape checks only; the service validates tags against the event's vocabulary."""

    interests = serializers.JSONField(required=False)
    offers = serializers.JSONField(required=False)
    seeks = serializers.JSONField(required=False)
    languages = serializers.JSONField(required=False)

    class Meta:
        model = Profile
        fields = list(Profile.EDITABLE_FIELDS)


class BlockSerializer(serializers.Serializer):
    user = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer):
    profile = ProfileSerializer()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeetingSerializer(serializers.Serializer):
    """A meeting as one of its participants sees it (``with`` is the other one)."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Meeting.State.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    message = serializers.CharField()
    location = serializers.CharField()
    requester = PersonSerializer()
    invitee = PersonSerializer()
    with_ = PersonSerializer(help_text="The other participant.")
    awaiting_me = serializers.BooleanField(help_text="Pending, and it is yours to answer.")
    updated_at = serializers.DateTimeField()

    def get_fields(self):
        # "with" is a Python keyword, so the field is declared as with_ and renamed here.
        fields = super().get_fields()
        fields["with"] = fields.pop("with_")
        return fields

    def to_representation(self, instance):
        return meeting_data(instance, self.context["request"].user)


class MeetingWithWarningsSerializer(MeetingSerializer):
    warnings = serializers.ListField(child=serializers.CharField())


class MeetingRequestSerializer(serializers.Serializer):
    invitee = serializers.IntegerField(help_text="The user id of the person to meet.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    location = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="A table (e.g. “Tisch 4”) or a link to a virtual room.",
    )


class RescheduleSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingSlot
        fields = ["id", "start", "end"]


class SlotSeriesSerializer(serializers.Serializer):
    """Slots of ``minutes`` each on ``day`` from ``from`` until ``to``, in the event's time zone."""

    day = serializers.DateField()
    from_ = serializers.TimeField(help_text="Local start of the first slot, e.g. 09:00.")
    to = serializers.TimeField(help_text="Local end of the last slot, e.g. 17:30.")
    minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)

    def get_fields(self):
        # "from" is a Python keyword, so the field is declared as from_ and renamed here.
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class FreeSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    warnings = serializers.ListField(child=serializers.CharField())


class ReportCreateSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The user id of the person reported.")
    reason = serializers.CharField(max_length=2000)
    conversation = serializers.IntegerField(required=False, allow_null=True, default=None)
    block = serializers.BooleanField(required=False, default=False)


class ReportSerializer(serializers.ModelSerializer):
    reporter = serializers.SerializerMethodField()
    reported = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "reporter",
            "reported",
            "conversation",
            "reason",
            "state",
            "created_at",
            "resolved_at",
        ]

    def get_reporter(self, report) -> dict:
        return user_data(report.reporter)

    def get_reported(self, report) -> dict:
        return user_data(report.reported)


class VisibilityConsentSerializer(serializers.Serializer):
    version = serializers.CharField()
    text = serializers.CharField()
    given = serializers.BooleanField(help_text="Whether you consented to this version.")


class OwnProfileSerializer(ProfileSerializer):
    """One's own profile, with the text one consents to by being visible: while ``is_visible``
    and ``visibility_consent.given`` is false the text changed; PATCH ``is_visible: true`` to
    agree to it, or ``false`` to withdraw."""

    visibility_consent = serializers.SerializerMethodField()

    class Meta(ProfileSerializer.Meta):
        fields = [*ProfileSerializer.Meta.fields, "visibility_consent"]

    @extend_schema_field(VisibilityConsentSerializer)
    def get_visibility_consent(self, profile):
        from .services import VISIBILITY_CONSENT, visibility_consent_text

        text = visibility_consent_text(profile.event)
        given = privacy.has_consent(
            user=profile.user,
            event=profile.event,
            document=VISIBILITY_CONSENT,
            version=text["version"],
        )
        return {**text, "given": given}
