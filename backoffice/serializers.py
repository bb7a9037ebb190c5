from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import DeliveryAttempt, Release, Webhook, WebhookDelivery
from .releases import summary_of
from .webhooks import WebhookError, check_names, check_url


class ScheduleImportSerializer(serializers.Serializer):
    """One of: ``file`` (multipart upload), ``url`` (fetched by the server), ``schedule`` (the
    schedule.json document inline, for scripts)."""

    file = serializers.FileField(required=False)
    url = serializers.URLField(required=False, max_length=500)
    schedule = serializers.JSONField(required=False)
    dry_run = serializers.BooleanField(default=False)

    def validate(self, attrs):
        given = [name for name in ("file", "url", "schedule") if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(_("Send exactly one of file, url or schedule."))
        return attrs


class ReleaseCreateSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=64)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReleaseSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["version", "note", "created_at", "programme_version", "summary", "diff"]

    def get_summary(self, release) -> dict:
        return summary_of(release.diff)


class WebhookSerializer(serializers.ModelSerializer):
    """The secret is in the answer to the POST that creates the endpoint, and never again."""

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "scope", "is_active", "created_at"]
        read_only_fields = ["id", "scope", "created_at"]

    def validate_url(self, value):
        try:
            return check_url(value)
        except WebhookError as error:
            raise serializers.ValidationError(error.message) from None

    def validate_events(self, value):
        try:
            return check_names(value, self.context.get("scope", ""))
        except WebhookError as error:
            raise serializers.ValidationError(error.message) from None


class NewWebhookSerializer(WebhookSerializer):
    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = [*WebhookSerializer.Meta.read_only_fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "status_code", "error", "duration_ms"]


class DeliverySerializer(serializers.ModelSerializer):
    log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["delivery_id", "name", "status", "attempts", "created_at", "finished_at", "log"]
