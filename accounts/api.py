"""REST views of onboarding: thin — parse, call a service, render."""

from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.models import Event
from expo.models import Exhibitor, ExhibitorStaff
from treffpunkt.access import require
from treffpunkt.errors import NotFound
from treffpunkt.ratelimit import check_login, request_ip

from . import registration, services
from .models import Consent, ImportJob, Invitation, RegistrationPolicy, RegistrationRequest


def _event(request, slug):
    event = Event.objects.filter(slug=slug).first()
    if event is None or not (event.is_published or _is_organizer(request.user, event)):
        raise NotFound()
    return event


def _is_organizer(user, event):
    from congress.permissions import is_organizer

    return is_organizer(user, event)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "exhibitor",
            "created_at",
            "expires_at",
            "accepted_at",
            "delivery",
            "attempts",
            "sent_at",
            "last_error",
        ]


class StaffInviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    role = serializers.ChoiceField(
        choices=ExhibitorStaff.Role.choices, default=ExhibitorStaff.Role.STAFF
    )


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id",
            "filename",
            "state",
            "attempts",
            "error",
            "report",
            "created_at",
            "finished_at",
        ]


class RegistrationImportView(APIView):
    """Import registrations from a CSV file (organizers).

    ``dry_run=true`` answers the report at once and changes nothing; otherwise the import is
    queued for the worker (202) and its report read from ``…/registrations/import/<id>/``.
    """

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportSerializer, responses={200: dict, 202: ImportJobSerializer})
    def post(self, request, event_slug):
        event = _event(request, event_slug)
        require(request.user, "accounts.import_registrations", event)
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        file = serializer.validated_data["file"]
        if serializer.validated_data["dry_run"]:
            report = services.import_registrations(
                event=event, by=request.user, file=file, dry_run=True
            )
            return Response(report.as_dict())
        job = services.queue_import(event=event, by=request.user, file=file)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobView(APIView):
    """One import: its state (queued, running, done, failed) and, once done, its report."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ImportJobSerializer)
    def get(self, request, event_slug, pk):
        event = _event(request, event_slug)
        require(request.user, "accounts.import_registrations", event)
        job = get_object_or_404(ImportJob, event=event, pk=pk)
        return Response(ImportJobSerializer(job).data)


class InvitationListView(APIView):
    """The event's invitations with their delivery state (organizers)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request, event_slug):
        event = _event(request, event_slug)
        require(request.user, "accounts.manage_invitations", event)
        invitations = Invitation.objects.filter(event=event).order_by("email")
        delivery = request.query_params.get("delivery")
        if delivery:
            invitations = invitations.filter(delivery=delivery)
        return Response(InvitationSerializer(invitations, many=True).data)


class InvitationResendView(APIView):
    """Send an invitation again with a new link; the old link stops working."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=InvitationSerializer)
    def post(self, request, event_slug, pk):
        event = _event(request, event_slug)
        invitation = get_object_or_404(Invitation, event=event, pk=pk)
        services.resend_invitation(invitation, by=request.user)
        return Response(InvitationSerializer(invitation).data)


class StaffInviteView(APIView):
    """Invite a person by e-mail as staff of this booth (organizers and the booth's admins)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=StaffInviteSerializer, responses={201: InvitationSerializer})
    def post(self, request, event_slug, pk):
        event = _event(request, event_slug)
        exhibitor = get_object_or_404(Exhibitor.objects.select_related("event"), event=event, pk=pk)
        require(request.user, "accounts.invite_staff", exhibitor)
        serializer = StaffInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, _created = services.invite_staff(
            exhibitor=exhibitor, by=request.user, **serializer.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; send it as `Authorization: Token …`.

    An account with two-factor login on gets no token here (a password alone must not open it):
    its owner creates one on the web, under "Meine Daten" → "API token", after the full log-in.
    """

    # Throttled with the web log-in (``ratelimit.check_login``, failures only): 429 with
    # ``Retry-After``.
    throttle_classes = []

    def post(self, request, *args, **kwargs):
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        attempt = check_login(request_ip(request), username)
        if not attempt.allowed:
            raise Throttled(wait=attempt.retry_after)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt.succeeded()
        user = serializer.validated_data["user"]
        if is_mfa_enabled(user):
            raise services.OnboardingError(
                _(
                    "Two-factor login is on for this account: create an API token on the web "
                    "under “My account”."
                ),
                code="mfa_required",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistrationPolicy
        fields = [
            "mode",
            "privacy_notice",
            "privacy_notice_version",
            "code_of_conduct",
            "code_of_conduct_version",
        ]


class JoinSerializer(serializers.Serializer):
    consents = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Document.choices), required=False
    )


class RegistrationRequestSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = RegistrationRequest
        fields = ["id", "username", "email", "state", "created_at", "decided_at"]


class PolicyView(APIView):
    """How people join the event and which texts (in which version) they accept."""

    @extend_schema(responses=PolicySerializer)
    def get(self, request, event_slug):
        event = _event(request, event_slug)
        return Response(PolicySerializer(registration.policy_for(event)).data)


class JoinView(APIView):
    """Register yourself as the event's policy says: 201 registered, 202 waiting for approval."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=JoinSerializer, responses={201: dict, 202: dict})
    def post(self, request, event_slug):
        event = _event(request, event_slug)
        serializer = JoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        state, _obj = registration.join_event(
            user=request.user, event=event, consents=serializer.validated_data.get("consents", [])
        )
        code = status.HTTP_201_CREATED if state == "registered" else status.HTTP_202_ACCEPTED
        return Response({"state": state}, status=code)


class RegistrationRequestListView(APIView):
    """Requests to join an event that needs approval (organizers)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=RegistrationRequestSerializer(many=True))
    def get(self, request, event_slug):
        event = _event(request, event_slug)
        require(request.user, "accounts.manage_invitations", event)
        requests = RegistrationRequest.objects.filter(event=event).select_related("user")
        return Response(RegistrationRequestSerializer(requests, many=True).data)


class RegistrationRequestDecisionView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    approve = True

    @extend_schema(request=None, responses=RegistrationRequestSerializer)
    def post(self, request, event_slug, pk):
        event = _event(request, event_slug)
        require(request.user, "accounts.manage_invitations", event)
        registration_request = get_object_or_404(RegistrationRequest, event=event, pk=pk)
        registration.decide_registration_request(
            registration_request, by=request.user, approve=self.approve
        )
        return Response(RegistrationRequestSerializer(registration_request).data)
