from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q

from .models import Session


class SessionFilter(django_filters.FilterSet):
    day = django_filters.DateFilter(method="filter_day", label="Day (YYYY-MM-DD, event time zone)")
    room = django_filters.NumberFilter(field_name="room_id")
    track = django_filters.NumberFilter(field_name="track_id")
    speaker = django_filters.NumberFilter(field_name="speakers", distinct=True)
    kind = django_filters.ChoiceFilter(choices=Session.Kind.choices)
    state = django_filters.ChoiceFilter(choices=Session.State.choices)
    q = django_filters.CharFilter(method="filter_q", label="Search in title and abstract")

    class Meta:
        model = Session
        fields = ["day", "room", "track", "speaker", "kind", "state", "q"]

    def filter_day(self, queryset, name, value):
        tz = self.request.event.tz
        start = datetime.combine(value, time.min, tzinfo=tz)
        return queryset.filter(start__gte=start, start__lt=start + timedelta(days=1))

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(abstract__icontains=value))
