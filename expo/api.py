"""REST views of the expo: parse, check the rule, call one service, render."""

import csv

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congress.api import EventScopedMixin
from treffpunkt import privacy
from treffpunkt.access import require
from treffpunkt.errors import AccessDenied

from . import selectors, services
from .models import ContactPerson, Download, Exhibitor, ExhibitorStaff, Product
from .serializers import (
    ContactPersonSerializer,
    DownloadSerializer,
    ExhibitorDetailSerializer,
    ExhibitorSerializer,
    LeadCreateSerializer,
    LeadSerializer,
    LogoSerializer,
    ProductSerializer,
    ReviewSerializer,
    StaffSerializer,
)


class ExhibitorFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="categories__slug", distinct=True)
    tier = django_filters.ChoiceFilter(choices=Exhibitor.Tier.choices)
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Exhibitor
        fields = ["category", "tier", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(tagline__icontains=value) | Q(description__icontains=value)
        )


class StaffCreateSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(
        choices=ExhibitorStaff.Role.choices, default=ExhibitorStaff.Role.STAFF
    )

    def validate_username(self, username):
        member = get_user_model().objects.filter(username=username).first()
        if member is None:
            raise serializers.ValidationError(_("No user with this name."))
        return member


# Booth items edited through the same routes: kind → (model, serializer).
BOOTH_ITEMS = {
    "product": (Product, ProductSerializer),
    "download": (Download, DownloadSerializer),
    "contact": (ContactPerson, ContactPersonSerializer),
}

# Leading characters a spreadsheet would read as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    value = str(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class ExhibitorViewSet(
    EventScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The expo hall and each booth. Filters: category (slug), tier, q; premium first.

    Visitors see published booths; staff also their own drafts; organizers all. Every write
    checks its ``expo.*`` rule on the booth before the body is parsed.
    """

    queryset = Exhibitor.objects.none()
    lookup_value_regex = "[0-9]+"
    serializer_class = ExhibitorSerializer
    filterset_class = ExhibitorFilter
    ordering_fields = ["name", "tier"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Booth rules replace the event-wide write permission of EventScopedMixin.
    write_permission = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in permissions.SAFE_METHODS and not request.user.is_authenticated:
            raise AccessDenied()
        if self.action is None and request.method not in permissions.SAFE_METHODS:
            # No route adds booths yet (organizers use the admin); refuse like the rule would
            # before answering 405, so a non-organizer learns nothing about the route.
            require(request.user, "expo.add_exhibitor", self.event)

    def get_queryset(self):
        if self.action == "list":
            return selectors.exhibitors_for(self.request.user, self.event)
        return selectors.booth_detail_for(self.request.user, self.event)

    def get_serializer_class(self):
        if self.action == "list":
            return ExhibitorSerializer
        return ExhibitorDetailSerializer

    def booth(self, permission=None):
        """The booth of the URL, 404 if this user may not see it, 403 without ``permission``."""
        exhibitor = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        require(self.request.user, "expo.view_exhibitor", exhibitor)
        if permission:
            require(self.request.user, permission, exhibitor)
        return exhibitor

    def render(self, exhibitor, response_status=status.HTTP_200_OK):
        exhibitor = self.get_queryset().get(pk=exhibitor.pk)
        data = ExhibitorDetailSerializer(exhibitor, context=self.get_serializer_context()).data
        return Response(data, status=response_status)

    def retrieve(self, request, *args, **kwargs):
        exhibitor = self.booth()
        services.record_visit(exhibitor, user=request.user)
        return Response(self.get_serializer(exhibitor).data)

    def partial_update(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.change_exhibitor")
        serializer = self.get_serializer(exhibitor, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_booth(exhibitor, user=request.user, **serializer.validated_data)
        return self.render(exhibitor)

    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.change_exhibitor")
        return self.render(services.submit_booth(exhibitor, user=request.user))

    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.review_exhibitor")
        return self.render(services.approve_booth(exhibitor, user=request.user))

    @action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def reject(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.review_exhibitor")
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reject_booth(exhibitor, user=request.user, **serializer.validated_data)
        return self.render(exhibitor)

    @action(
        detail=True,
        methods=["post"],
        serializer_class=LogoSerializer,
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def logo(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.change_exhibitor")
        serializer = LogoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_logo(exhibitor, user=request.user, upload=serializer.validated_data["logo"])
        return self.render(exhibitor)

    # --- staff --------------------------------------------------------------------------------

    @action(detail=True, methods=["get", "post"], serializer_class=StaffSerializer)
    def staff(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.manage_staff")
        if request.method == "POST":
            serializer = StaffCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = services.add_staff(
                exhibitor,
                user=request.user,
                member=serializer.validated_data["username"],
                role=serializer.validated_data["role"],
            )
            return Response(StaffSerializer(membership).data, status=status.HTTP_201_CREATED)
        memberships = exhibitor.staff.select_related("user").order_by("user__username")
        return Response(StaffSerializer(memberships, many=True).data)

    @action(detail=True, methods=["delete"], url_path=r"staff/(?P<staff_id>\d+)")
    def staff_member(self, request, *args, staff_id, **kwargs):
        exhibitor = self.booth("expo.manage_staff")
        membership = get_object_or_404(exhibitor.staff, pk=staff_id)
        services.remove_staff(membership, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- products, downloads, contact persons --------------------------------------------------

    def _items(self, request, kind):
        model, serializer_class = BOOTH_ITEMS[kind]
        if request.method == "GET":
            exhibitor = self.booth()
            items = model.objects.filter(exhibitor=exhibitor)
            return Response(serializer_class(items, many=True, context={"request": request}).data)
        exhibitor = self.booth("expo.change_exhibitor")
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.save_booth_item(
            exhibitor, user=request.user, kind=kind, **serializer.validated_data
        )
        data = serializer_class(item, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _item(self, request, kind, item_id):
        model, serializer_class = BOOTH_ITEMS[kind]
        exhibitor = self.booth("expo.change_exhibitor")
        item = get_object_or_404(model, exhibitor=exhibitor, pk=item_id)
        if request.method == "DELETE":
            services.delete_booth_item(item, user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = serializer_class(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.save_booth_item(
            exhibitor, item, user=request.user, kind=kind, **serializer.validated_data
        )
        return Response(serializer_class(item, context={"request": request}).data)

    @action(detail=True, methods=["get", "post"], serializer_class=ProductSerializer)
    def products(self, request, *args, **kwargs):
        return self._items(request, "product")

    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"products/(?P<item_id>\d+)",
        serializer_class=ProductSerializer,
    )
    def product(self, request, *args, item_id, **kwargs):
        return self._item(request, "product", item_id)

    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=DownloadSerializer,
        parser_classes=[parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser],
    )
    def downloads(self, request, *args, **kwargs):
        return self._items(request, "download")

    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"downloads/(?P<item_id>\d+)",
        serializer_class=DownloadSerializer,
        parser_classes=[parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser],
    )
    def download(self, request, *args, item_id, **kwargs):
        return self._item(request, "download", item_id)

    @action(detail=True, methods=["get", "post"], serializer_class=ContactPersonSerializer)
    def contacts(self, request, *args, **kwargs):
        return self._items(request, "contact")

    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"contacts/(?P<item_id>\d+)",
        serializer_class=ContactPersonSerializer,
    )
    def contact(self, request, *args, item_id, **kwargs):
        return self._item(request, "contact", item_id)

    # --- leads and numbers ----------------------------------------------------------------------

    @action(detail=True, methods=["get", "post"], serializer_class=LeadSerializer)
    def leads(self, request, *args, **kwargs):
        if request.method == "POST":
            exhibitor = self.booth("expo.leave_lead")
            serializer = LeadCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            lead = services.leave_lead(exhibitor, user=request.user, **serializer.validated_data)
            return Response(LeadSerializer(lead).data, status=status.HTTP_201_CREATED)
        exhibitor = self.booth("expo.view_leads")
        leads = list(selectors.leads_for(exhibitor))
        privacy.record_access(
            actor=request.user,
            what="expo.leads",
            subject_ids=[lead.user_id for lead in leads],
            event=self.event,
        )
        return Response(LeadSerializer(leads, many=True).data)

    @action(detail=True, methods=["delete"], url_path="leads/mine")
    def my_lead(self, request, *args, **kwargs):
        # Withdrawing consent must always work, also while the booth is back in review and hidden,
        # so the booth is looked up without the visibility rule: one can only delete one's own lead.
        exhibitor = get_object_or_404(Exhibitor.objects.filter(event=self.event), pk=kwargs["pk"])
        if not services.withdraw_lead(exhibitor, user=request.user):
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Routed in congress/urls.py: a router action would add a trailing slash after ".csv".
    def leads_csv(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.view_leads")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="leads-{exhibitor.slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(["name", "email", "organisation", "message", "date"])
        leads = list(selectors.leads_for(exhibitor))
        privacy.record_access(
            actor=request.user,
            what="expo.leads.csv",
            subject_ids=[lead.user_id for lead in leads],
            event=self.event,
        )
        for lead in leads:
            writer.writerow(
                _csv_cell(value)
                for value in (
                    lead.user.get_full_name() or lead.user.username,
                    lead.user.email,
                    lead.organisation,
                    lead.message,
                    lead.consented_at.isoformat(),
                )
            )
        return response

    @action(detail=True, methods=["get"])
    def stats(self, request, *args, **kwargs):
        exhibitor = self.booth("expo.view_stats")
        stats = selectors.stats_for(exhibitor)
        for row in stats["visits_per_day"]:
            row["day"] = row["day"].isoformat()
        return Response(stats)
