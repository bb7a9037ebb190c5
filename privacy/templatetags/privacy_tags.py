from django import template

from accounts.models import Consent

from ..models import DataExport

register = template.Library()


@register.simple_tag
def my_data(user):
    """The export requests and active consents of “Meine Daten”."""
    return {
        "exports": DataExport.objects.filter(user=user)[:3],
        "consents": Consent.objects.filter(user=user, withdrawn_at=None)
        .select_related("event")
        .order_by("-accepted_at"),
    }
