import django_filters
from django.db.models import Case, IntegerField, Q, Value, When
from rest_framework import viewsets

from congress.api import EventScopedMixin

from .models import Exhibitor
from .serializers import ExhibitorSerializer


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


TIER_ORDER = Case(
    When(tier=Exhibitor.Tier.PREMIUM, then=Value(0)),
    When(tier=Exhibitor.Tier.STANDARD, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class ExhibitorViewSet(EventScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The expo hall: published exhibitors, premium first. Filters: category (slug), tier, q."""

    queryset = Exhibitor.objects.none()
    serializer_class = ExhibitorSerializer
    filterset_class = ExhibitorFilter
    ordering_fields = ["name", "tier"]

    def get_queryset(self):
        return (
            Exhibitor.objects.filter(event=self.event, status=Exhibitor.Status.PUBLISHED)
            .prefetch_related("categories")
            .annotate(tier_order=TIER_ORDER)
            .order_by("tier_order", "name")
        )
