"""REST views of the back office: thin — parse, check, call a service, render."""

import csv

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.api import EventScopedMixin
from treffpunkt.access import require

from . import importing, releases, report, webhooks
from .fetching import fetch_schedule
from .formats import FormatError, parse, parse_json
from .models import Release, Webhook, WebhookDelivery
from .serializers import (
    DeliverySerializer,
    NewWebhookSerializer,
    ReleaseCreateSerializer,
    ReleaseSerializer,
    ScheduleImportSerializer,
    WebhookSerializer,
)


class ScheduleImportView(EventScopedMixin, APIView):
    """Import a pretalx/frab schedule (file, URL or inline JSON); ``dry_run`` shows the diff only."""

    write_permission = "backoffice.import_programme"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=ScheduleImportSerializer, responses={200: None})
    def post(self, request, event_slug):
        parsed = ScheduleImportSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        if data.get("file") is not None:
            programme = parse(data["file"].read())
            source = data["file"].name
        elif data.get("url"):
            programme = parse(fetch_schedule(data["url"]))
            source = data["url"]
        else:
            if not isinstance(data["schedule"], dict):
                raise FormatError("schedule must be a JSON object.", field="schedule")
            programme = parse_json(data["schedule"])
            source = ""
        result = importing.import_programme(
            self.event, programme, user=request.user, dry_run=data["dry_run"], source=source
        )
        return Response(result)


class ReleaseListView(EventScopedMixin, generics.ListAPIView):
    """The event's releases, newest first (GET); publish one (POST, organizers)."""

    write_permission = "backoffice.publish_release"
    serializer_class = ReleaseSerializer
    queryset = Release.objects.none()

    def get_queryset(self):
        return releases.releases_for(self.event)

    @extend_schema(request=ReleaseCreateSerializer, responses={201: ReleaseSerializer})
    def post(self, request, event_slug):
        parsed = ReleaseCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        release = releases.publish_release(self.event, user=request.user, **parsed.validated_data)
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class ReleaseDetailView(EventScopedMixin, generics.RetrieveAPIView):
    serializer_class = ReleaseSerializer
    queryset = Release.objects.none()
    lookup_field = "version"

    def get_queryset(self):
        return releases.releases_for(self.event)


class ChangesView(EventScopedMixin, APIView):
    """What changed since the requesting user last looked, favourites first. GET reads;
    POST marks everything up to now as seen."""

    permission_classes = [permissions.IsAuthenticated]
    write_permission = "congress.keep_agenda"

    @extend_schema(responses={200: None})
    def get(self, request, event_slug):
        return Response(
            releases.changes_since_last_visit(self.event, request.user, mark_seen=False)
        )

    @extend_schema(request=None, responses={200: None})
    def post(self, request, event_slug):
        return Response(releases.changes_since_last_visit(self.event, request.user))


def _scope(request):
    booth = request.query_params.get("booth", "")
    return f"booth:{booth}" if booth else ""


class WebhookViewSet(
    EventScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The event's webhook endpoints (organizers), or with ``?booth=<id>`` a booth's own (its
    staff; lead.created only). The secret is shown once, in the answer to the POST."""

    queryset = Webhook.objects.none()
    serializer_class = WebhookSerializer
    write_permission = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.scope = _scope(request)
        require(request.user, "backoffice.manage_webhooks", (self.event, self.scope))

    def get_queryset(self):
        return Webhook.objects.filter(event=self.event, scope=self.scope)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "scope": getattr(self, "scope", "")}

    @extend_schema(
        parameters=[OpenApiParameter("booth", int, required=False)],
        request=WebhookSerializer,
        responses={201: NewWebhookSerializer},
    )
    def create(self, request, *args, **kwargs):
        parsed = WebhookSerializer(data=request.data, context=self.get_serializer_context())
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        webhook = webhooks.create_webhook(
            self.event,
            scope=self.scope,
            url=data["url"],
            names=data["events"],
            user=request.user,
            is_active=data.get("is_active", True),
        )
        return Response(NewWebhookSerializer(webhook).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, *args, **kwargs):
        """Queue a signed ``webhook.test`` delivery to this endpoint."""
        delivery = webhooks.send_test(self.get_object())
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, *args, **kwargs):
        """The delivery log of this endpoint, newest first, with every attempt's status code."""
        rows = WebhookDelivery.objects.filter(webhook=self.get_object()).prefetch_related("log")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class ReportView(EventScopedMixin, APIView):
    """The organizer's report (counts, no names); ``report.csv?table=sessions|booths|attendance``."""

    write_permission = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(request.user, "backoffice.view_report", self.event)

    @extend_schema(responses={200: None})
    def get(self, request, event_slug):
        return Response(report.report_for(self.event))


class ReportCsvView(ReportView):
    @extend_schema(
        parameters=[OpenApiParameter("table", str, enum=list(report.CSV_TABLES))],
        responses={(200, "text/csv"): str},
    )
    def get(self, request, event_slug):
        table = request.query_params.get("table", "sessions")
        if table not in report.CSV_TABLES:
            return Response({"table": [f"One of {', '.join(report.CSV_TABLES)}."]}, status=400)
        header, rows = report.csv_rows(report.report_for(self.event), table)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="report-{event_slug}-{table}.csv"'
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(_safe(row) for row in rows)
        return response


def _safe(row):
    """Neutralise spreadsheet formulas in titles and names."""
    return [
        "'" + value if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) else value
        for value in row
    ]
