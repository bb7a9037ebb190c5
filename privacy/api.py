"""REST routes of data protection: ``GET /api/v1/me/export/`` and ``DELETE /api/v1/me/``."""

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import DataExport


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
