"""REST routes of data protection: ``GET /api/v1/me/export/``, ``DELETE /api/v1/me/`` and an
event's legal and consent texts (``/api/v1/events/<slug>/texts/``)."""

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.api import EventScopedMixin
from treffpunkt.privacy import current_consent_text

from . import services
from .models import DataExport, EventText


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, export) -> str | None:
        if not export.is_downloadable:
            return None
        url = reverse("privacy:download", args=[export.token])
        return self.context["request"].build_absolute_uri(url)

    class Meta:
        model = DataExport
        fields = ["id", "state", "created_at", "finished_at", "expires_at", "download_url"]


class MyExportView(APIView):
    """GET starts (or shows) the archive of everything about the requesting person."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ExportSerializer, 202: ExportSerializer})
    def get(self, request):
        latest = DataExport.objects.filter(user=request.user).first()
        if latest is not None and (
            latest.state == DataExport.State.PENDING or latest.is_downloadable
        ):
            return Response(ExportSerializer(latest, context={"request": request}).data)
        export = services.request_export(user=request.user)
        return Response(
            ExportSerializer(export, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ErasureSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class MeView(APIView):
    """DELETE erases the requesting person's account and personal data (Art. 17 DSGVO)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ErasureSerializer, responses={204: None})
    def delete(self, request):
        serializer = ErasureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.erase_account(
            user=request.user,
            password=serializer.validated_data.get("password"),
            reauthenticated=services.recently_reauthenticated(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def download(request, export):
    response = FileResponse(
        export.archive.open("rb"), as_attachment=True, filename="meine-daten.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


class EventTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventText
        fields = ["kind", "language", "version", "body", "updated_at"]


class EventTextWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventText.Kind.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    body = serializers.CharField(max_length=50_000)


class EventTextsView(EventScopedMixin, APIView):
    """GET: the event's privacy notice, Impressum and consent texts in every language, each with
    its version. POST (organizers): save one; a changed body is a new version, and a new version
    of a consent to ongoing processing asks the people who gave it again."""

    write_permission = "congress.change_event"

    @extend_schema(responses=EventTextSerializer(many=True))
    def get(self, request, event_slug):
        texts = EventText.objects.filter(event=self.event).order_by("kind", "language")
        return Response(EventTextSerializer(texts, many=True).data)

    @extend_schema(request=EventTextWriteSerializer, responses=EventTextSerializer)
    def post(self, request, event_slug):
        serializer = EventTextWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text = services.save_event_text(event=self.event, **serializer.validated_data)
        return Response(EventTextSerializer(text).data)


class ConsentTextSerializer(serializers.Serializer):
    document = serializers.CharField()
    version = serializers.CharField()
    text = serializers.CharField()


class ConsentTextsView(EventScopedMixin, APIView):
    """GET: the text of each optional consent at the event as a client shows it before asking
    (the organizers' text in the request's language, else the platform's own, version
    ``default``), with the version the consent is recorded with."""

    @extend_schema(responses=ConsentTextSerializer(many=True))
    def get(self, request, event_slug):
        return Response(
            [
                {"document": document, **current_consent_text(event=self.event, document=document)}
                for document in EventText.CONSENTS
            ]
        )
