from django import template

from accounts.models import Consent
from notifications.kinds import KINDS

from ..models import DataExport

register = template.Library()


@register.simple_tag
def my_data(user):
    """The export requests and active consents of “Meine Daten” (a mail consent names its kind)."""
    consents = list(
        Consent.objects.filter(user=user, withdrawn_at=None)
        .select_related("event")
        .order_by("-accepted_at")
    )
    for consent in consents:
        kind = KINDS.get(consent.scope.removeprefix("kind:"))
        consent.detail = kind.label if kind and consent.scope.startswith("kind:") else ""
    return {"exports": DataExport.objects.filter(user=user)[:3], "consents": consents}
