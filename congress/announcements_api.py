"""REST routes of announcements: /api/v1/events/{slug}/announcements/ (thin: parse, call, render)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from treffpunkt.access import allowed, require

from . import announcements as service
from .api import EventScopedMixin
from .models import Announcement


class AnnouncementSerializer(serializers.ModelSerializer):
    mail = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id", "text_de", "text_en", "level", "link", "audience", "show_from", "show_until",
            "send_mail", "mail", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "mail", "created_at", "updated_at"]

    def get_mail(self, announcement) -> dict:
        return {
            "total": announcement.mail_total,
            "sent": announcement.mail_sent,
            "failed": announcement.mail_failed,
            "unsure": announcement.mail_unsure,
        }

    def validate(self, attrs):
        start = attrs.get("show_from", getattr(self.instance, "show_from", None))
        end = attrs.get("show_until", getattr(self.instance, "show_until", None))
        if start and end and end <= start:
            raise serializers.ValidationError(
                {"show_until": [_("The end must lie after the start.")]}
            )
        return attrs


class ResendSerializer(serializers.Serializer):
    which = serializers.MultipleChoiceField(choices=service.RESENDABLE, allow_empty=False)


class AnnouncementViewSet(EventScopedMixin, viewsets.ModelViewSet):
    """Announcements. Organizers write and see all (with mail progress); registered people read
    those shown to them now and dismiss them."""

    queryset = Announcement.objects.none()
    serializer_class = AnnouncementSerializer
    permission_classes = [permissions.IsAuthenticated]
    write_permission = "congress.announce"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        if self.action == "dismiss":
            self.write_permission = None
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        return service.announcements_of(self.event)

    def list(self, request, *args, **kwargs):
        if allowed(request.user, "congress.announce", self.event):
            return super().list(request, *args, **kwargs)
        return Response(service.announcements_for(request.user, self.event))

    def retrieve(self, request, *args, **kwargs):
        require(request.user, "congress.announce", self.event)
        return super().retrieve(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = service.create_announcement(
            self.event, user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = service.update_announcement(
            serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        service.delete_announcement(instance, user=self.request.user)

    @action(detail=True, methods=["post"])
    def resend(self, request, *args, **kwargs):
        """Mail again the people whose mail failed or is unsure (``{"which": ["unsure"]}``); an
        unsure mail may have arrived, so this is the organizer's deliberate choice."""
        announcement = self.get_object()
        parsed = ResendSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        announcement = service.resend_announcement_mail(
            announcement, user=request.user, which=parsed.validated_data["which"]
        )
        return Response(self.get_serializer(announcement).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def dismiss(self, request, *args, **kwargs):
        announcement = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        visible = {item["id"] for item in service.announcements_for(request.user, self.event)}
        if announcement.pk not in visible:
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        service.dismiss_announcement(announcement, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
