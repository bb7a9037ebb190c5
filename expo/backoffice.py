"""The expo's part of the organizer's back office: booth numbers for the report, lead webhooks.

Registered into ``congress.hooks`` in ``ExpoConfig.ready``, so the back office never imports the
expo. The report carries counts only, never names.
"""

from django.db.models import Count

from congress import hooks
from treffpunkt.access import allowed

from .models import BoothVisit, ContactRequest, Exhibitor, Lead


def booth_report(event):
    """Per published booth: visits (visitor-days), unique visitors, leads and contact requests."""
    exhibitors = (
        Exhibitor.objects.filter(event=event, status=Exhibitor.Status.PUBLISHED)
        .annotate(
            visit_count=Count("visits", distinct=True),
            unique_visitors=Count("visits__user", distinct=True),
        )
        .order_by("name", "pk")
    )
    leads = dict(
        Lead.objects.filter(exhibitor__event=event)
        .values_list("exhibitor")
        .annotate(n=Count("pk"))
        .order_by()
    )
    contacts = dict(
        ContactRequest.objects.filter(exhibitor__event=event)
        .values_list("exhibitor")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "booths": [
            {
                "id": exhibitor.pk,
                "name": exhibitor.name,
                "visits": exhibitor.visit_count,
                "unique_visitors": exhibitor.unique_visitors,
                "leads": leads.get(exhibitor.pk, 0),
                "contact_requests": contacts.get(exhibitor.pk, 0),
            }
            for exhibitor in exhibitors
        ],
        "daily_visitors": [
            {"date": day.isoformat(), "visitors": visitors}
            for day, visitors in BoothVisit.objects.filter(exhibitor__event=event)
            .values_list("day")
            .annotate(n=Count("user", distinct=True))
            .order_by("day")
        ],
    }


def booth_scope(user, event, key):
    """A booth's own staff (who read its leads) may receive its lead announcements."""
    exhibitor = Exhibitor.objects.filter(event=event, pk=key).first() if key.isdigit() else None
    if exhibitor is None or not allowed(user, "expo.view_leads", exhibitor):
        return None
    return exhibitor.name


def lead_announcement(lead):
    """A lead as the booth's webhook receives it: consented, so with the contact's name and mail."""
    return {
        "lead": {
            "id": lead.pk,
            "booth": lead.exhibitor_id,
            "name": lead.user.get_full_name() or lead.user.username,
            "email": lead.user.email,
            "message": lead.message,
            "consented_at": lead.consented_at.isoformat(),
        }
    }


def register():
    hooks.report_section("expo")(booth_report)
    hooks.announcement_scope("booth")(booth_scope)
