"""Reads of the expo: the querysets the views use, with their relations loaded."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)

from congress.live_services import user_data
from congress.models import Speaker
from congress.permissions import is_organizer

from .models import BoothVisit, ContactRequest, Exhibitor, ExhibitorStaff, Lead

OPEN_REQUESTS = 50

TIER_ORDER = Case(
    When(tier=Exhibitor.Tier.PREMIUM, then=Value(0)),
    When(tier=Exhibitor.Tier.STANDARD, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def exhibitors_for(user, event):
    """Booths of the event this user sees, premium first, each annotated with ``can_edit``.

    Everyone sees published booths; staff also their own; organizers all. ``can_edit`` is one
    subquery in the same select, so the hall costs no query per booth.
    """
    queryset = Exhibitor.objects.filter(event=event).select_related("event")
    if is_organizer(user, event):
        queryset = queryset.annotate(can_edit=Value(True, output_field=BooleanField()))
    elif user is not None and user.is_authenticated:
        own = ExhibitorStaff.objects.filter(exhibitor=OuterRef("pk"), user=user)
        queryset = queryset.annotate(can_edit=Exists(own)).filter(
            Q(status=Exhibitor.Status.PUBLISHED) | Q(can_edit=True)
        )
    else:
        queryset = queryset.filter(status=Exhibitor.Status.PUBLISHED).annotate(
            can_edit=Value(False, output_field=BooleanField())
        )
    return (
        queryset.prefetch_related("categories")
        .annotate(tier_order=TIER_ORDER)
        .order_by("tier_order", "name")
    )


def booth_detail_for(user, event):
    """As :func:`exhibitors_for`, with products, downloads and contact persons loaded."""
    return exhibitors_for(user, event).prefetch_related("products", "downloads", "contacts")


def leads_of(user, event):
    """The leads ``user`` left at the event's booths (to review and withdraw), by booth name."""
    if not user.is_authenticated:
        return Lead.objects.none()
    return (
        Lead.objects.filter(user=user, exhibitor__event=event)
        .select_related("exhibitor")
        .order_by("exhibitor__name")
    )


def leads_for(exhibitor):
    """The booth's leads with each attendee's name, email and, if they speak, organisation."""
    leads = list(Lead.objects.filter(exhibitor=exhibitor).select_related("user"))
    organisations = dict(
        Speaker.objects.filter(event=exhibitor.event, user__in=[lead.user for lead in leads])
        .exclude(organisation="")
        .values_list("user_id", "organisation")
    )
    for lead in leads:
        lead.organisation = organisations.get(lead.user_id, "")
    return leads


def stats_for(exhibitor):
    """Visit numbers without names: visits per day, unique visitors, leads."""
    visits = BoothVisit.objects.filter(exhibitor=exhibitor)
    per_day = visits.order_by("day").values("day").annotate(visits=Count("pk"))
    return {
        "visits_per_day": [{"day": row["day"], "visits": row["visits"]} for row in per_day],
        "visits": visits.count(),
        "unique_visitors": visits.values("user").distinct().count(),
        "leads": Lead.objects.filter(exhibitor=exhibitor).count(),
        "contact_requests": exhibitor.contact_requests.count(),
    }


def open_contact_requests_for(exhibitor):
    """The newest open contact requests of the booth (at most ``OPEN_REQUESTS``), oldest first."""
    waiting = (
        ContactRequest.objects.filter(exhibitor=exhibitor, status=ContactRequest.Status.OPEN)
        .select_related("user")
        .order_by("-created_at", "-pk")[:OPEN_REQUESTS]
    )
    return list(reversed(waiting))


def contact_request_data(request):
    """A contact request as ``booth.contact`` pushes it and the staff's booth snapshot lists it."""
    return {
        "id": request.pk,
        "booth": request.exhibitor_id,
        "user": user_data(request.user),
        "message": request.message,
        "status": request.status,
        "created_at": request.created_at.isoformat(),
    }
