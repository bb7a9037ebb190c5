"""REST: /api/v1/me/notifications/ (preferences) and /api/v1/me/notifications/inbox/."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.selectors import visible_event

from . import services
from .kinds import KINDS
from .models import Channel


def consent_context(request):
    """The event whose consent text the person reads (``?event=<slug>``), or None; an unknown
    slug is a 400."""
    slug = request.query_params.get("event")
    if not slug:
        return None
    event = visible_event(request.user, slug)
    if event is None:
        raise serializers.ValidationError({"event": [_("Unknown event.")]})
    return event


def preferences_body(user, event):
    consent = services.mail_consent_text(event)
    return {
        "preferences": services.preferences_for(user),
        "mail_consent": {"event": event.slug if event else None, **consent},
    }


class PreferencesView(APIView):
    """Your channel per kind: ``live`` (live only), ``mail`` (live and mail) or ``off``.

    Choosing ``mail`` is a consent to the text in ``mail_consent`` (``?event=<slug>``: that
    event's organizers' text), recorded with its version; leaving ``mail`` withdraws it.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(preferences_body(request.user, consent_context(request)))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def patch(self, request):
        event = consent_context(request)
        choices = request.data.get("preferences", request.data)
        if not isinstance(choices, dict):
            raise serializers.ValidationError({"preferences": [_("Send {kind: channel}.")]})
        errors = {}
        for kind, channel in choices.items():
            if kind not in KINDS:
                errors[kind] = [_("Unknown kind.")]
            elif channel not in Channel.values:
                errors[kind] = [_("Choose live, mail or off.")]
        if errors:
            raise serializers.ValidationError(errors)
        services.set_preferences(request.user, choices, event=event, method="api: preferences")
        return Response(preferences_body(request.user, event))


class InboxPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200
    count_is_unread = False

    def get_count(self, queryset):
        # With ``?unread=1`` the page's count is the unread count the view has already taken.
        if self.count_is_unread:
            return self.unread
        return super().get_count(queryset)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = self.unread
        return response


class InboxView(APIView):
    """Your notifications, newest first, with ``unread``; ``?unread=1`` for unread only."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        notifications = services.inbox_for(request.user)
        paginator = InboxPagination()
        paginator.count_is_unread = request.query_params.get("unread") in ("1", "true")
        if paginator.count_is_unread:
            notifications = notifications.filter(read_at__isnull=True)
        paginator.unread = services.unread_count(request.user.pk)
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response([services.notification_data(item) for item in page])


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500)


class InboxReadView(APIView):
    """Mark notifications read: ``{"ids": [...]}``, or all without ``ids``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReadSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        parsed = ReadSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        unread = services.mark_read(request.user, parsed.validated_data.get("ids"))
        return Response({"unread": unread})
