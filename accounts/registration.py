"""Event registration: the event's policy (open, by invitation, with approval) and the consents it
asks for. Congress's registration gate (``congress.hooks.registration_gate``) asks
:func:`registration_refusal`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Registration
from congress.services import register
from treffpunkt.access import require

from .models import Consent, Invitation, RegistrationPolicy, RegistrationRequest
from .services import OnboardingError


def policy_for(event):
    """The event's registration policy; an event without one is open and asks for no consent."""
    return RegistrationPolicy.objects.filter(event=event).first() or RegistrationPolicy(event=event)


def required_consents(policy):
    """``{document: version}`` the policy asks every registrant to accept."""
    required = {}
    if policy.privacy_notice_version:
        required[Consent.Document.PRIVACY_NOTICE] = policy.privacy_notice_version
    if policy.code_of_conduct_version:
        required[Consent.Document.CODE_OF_CONDUCT] = policy.code_of_conduct_version
    return required


def missing_consents(user, event, policy):
    required = required_consents(policy)
    given = set(
        Consent.objects.filter(event=event, user=user, withdrawn_at=None).values_list(
            "document", "version"
        )
    )
    return [document for document, version in required.items() if (document, version) not in given]


def registration_refusal(user, event):
    """Why ``user`` may not register themselves at ``event`` now, or None (congress's gate)."""
    policy = RegistrationPolicy.objects.filter(event=event).first()
    if policy is None:
        return None
    if policy.mode == RegistrationPolicy.Mode.INVITATION:
        if not Invitation.objects.filter(event=event, user=user).exists():
            return _("This event is open by invitation only.")
    elif policy.mode == RegistrationPolicy.Mode.APPROVAL:
        approved = RegistrationRequest.objects.filter(
            event=event, user=user, state=RegistrationRequest.State.APPROVED
        ).exists()
        if not approved:
            return _("Registration for this event needs the organizers' approval.")
    if missing_consents(user, event, policy):
        return _("Please accept the event's privacy notice and code of conduct first.")
    return None


def join_event(*, user, event, consents=()):
    """Register ``user`` at ``event`` as the event's policy says; returns ``(state, object)``.

    Records the accepted text versions (``consents`` names the documents) first. Open events
    register at once (``("registered", registration)``); events needing approval file a request
    (``("pending", request)``); invitation-only events refuse strangers.
    Raises AccessDenied, OnboardingError (consents missing, by invitation only, declined).
    """
    require(user, "congress.register", event)
    policy = policy_for(event)
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing is not None:
        return "registered", existing
    required = required_consents(policy)
    missing = [document for document in required if document not in set(consents)]
    if missing:
        raise OnboardingError(
            _("Please accept the privacy notice and the code of conduct."),
            field="consents",
            code="consents_missing",
        )
    if (
        policy.mode == RegistrationPolicy.Mode.INVITATION
        and not Invitation.objects.filter(event=event, user=user).exists()
    ):
        raise OnboardingError(_("This event is open by invitation only."), code="invitation_only")
    with transaction.atomic():
        now = timezone.now()
        for document, version in required.items():
            Consent.objects.get_or_create(
                event=event,
                user=user,
                document=document,
                version=version,
                withdrawn_at=None,
                defaults={"accepted_at": now},
            )
        if policy.mode == RegistrationPolicy.Mode.APPROVAL:
            request, _created = RegistrationRequest.objects.get_or_create(event=event, user=user)
            if request.state == RegistrationRequest.State.DECLINED:
                raise OnboardingError(
                    _("The organizers declined your registration."), code="declined"
                )
            if request.state == RegistrationRequest.State.PENDING:
                return "pending", request
        return "registered", register(user=user, event=event)


def decide_registration_request(request, *, by, approve):
    """Approve (registers the person) or decline a pending request. Raises AccessDenied."""
    require(by, "accounts.manage_invitations", request.event)
    with transaction.atomic():
        request.state = (
            RegistrationRequest.State.APPROVED if approve else RegistrationRequest.State.DECLINED
        )
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at"])
        if approve:
            register(user=request.user, event=request.event, by=by)
    return request
