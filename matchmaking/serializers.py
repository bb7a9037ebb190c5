from rest_framework import serializers

from .models import Profile, Tag


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
        fields = [
            "is_visible",
            "organisation",
            "organisation_type",
            "position",
            "region",
            "interests",
            "offers",
            "seeks",
            "languages",
            "bio",
        ]


class BlockSerializer(serializers.Serializer):
    user = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer):
    profile = ProfileSerializer()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
