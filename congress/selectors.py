"""Reads of the congress: the querysets views and exports use, with their relations loaded."""

from datetime import datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from . import hooks
from .models import Event, Favourite, Registration, Session, Speaker
from .permissions import is_organizer


def _count_of(model, **filters):
    counted = (
        model.objects.filter(event=OuterRef("pk"), **filters)
        .order_by()
        .values("event")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def events_for(user):
    """Events this user may see: published ones, and unpublished ones they organise."""
    queryset = Event.objects.annotate(
        speaker_count=_count_of(Speaker),
        session_count=_count_of(Session, state__in=["scheduled", "live", "ended"]),
        **{
            name: _count_of(model, **filters)
            for name, (model, filters) in hooks.event_counts().items()
        },
    )
    if user.is_authenticated and user.is_superuser:
        return queryset
    visible = Q(is_published=True)
    if user.is_authenticated:
        visible |= Q(registrations__user=user, registrations__role=Registration.Role.ORGANIZER)
    return queryset.filter(visible).distinct()


def visible_event(user, slug):
    """The event by slug if this user may see it, else None."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        return None
    if event.is_published or is_organizer(user, event):
        return event
    return None


def sessions_for(event):
    return (
        Session.objects.filter(event=event)
        .select_related("room", "track")
        .prefetch_related("speakers")
        .order_by("start", "room__position", "id")
    )


def sessions_for_day(event, day):
    start = datetime.combine(day, time.min, tzinfo=event.tz)
    return sessions_for(event).filter(start__gte=start, start__lt=start + timedelta(days=1))


def agenda_for(user, event):
    return sessions_for(event).filter(favourites__user=user)


def favourite_ids(user, event):
    """The pks of the sessions of ``event`` in the user's agenda (empty for anonymous visitors)."""
    if not user.is_authenticated:
        return set()
    return set(
        Favourite.objects.filter(user=user, session__event=event).values_list(
            "session_id", flat=True
        )
    )


def is_favourite(user, session):
    """Whether ``session`` is in the user's agenda (False for anonymous visitors)."""
    if not user.is_authenticated:
        return False
    return Favourite.objects.filter(user=user, session=session).exists()
