"""REST views of matchmaking: thin — parse, check, call a service or selector, render."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.api import EventScopedMixin
from conversations.models import Conversation
from treffpunkt import privacy
from treffpunkt.access import require

from . import meetings as meetings_service
from . import selectors, services
from .errors import MatchmakingError
from .models import Meeting, MeetingSlot, Profile, Report
from .serializers import (
    BlockSerializer,
    FreeSlotSerializer,
    MeetingRequestSerializer,
    MeetingSerializer,
    MeetingWithWarningsSerializer,
    OwnProfileSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RecommendationSerializer,
    ReportCreateSerializer,
    ReportSerializer,
    RescheduleSerializer,
    SlotSerializer,
    SlotSeriesSerializer,
    TagSerializer,
)

MAX_LIMIT = 50


class MatchmakingMixin(EventScopedMixin):
    """Every matchmaking route is for registered attendees only, reads included."""

    write_permission = "matchmaking.take_part"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(request.user, "matchmaking.take_part", self.event)


class MyProfileView(MatchmakingMixin, APIView):
    """One's own profile; created hidden on first read. PATCH ``is_visible`` to opt in or out
    (``true`` again to agree to a changed ``visibility_consent`` text)."""

    @extend_schema(responses=OwnProfileSerializer)
    def get(self, request, event_slug):
        profile = services.ensure_profile(self.event, user=request.user)
        return Response(OwnProfileSerializer(profile).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=OwnProfileSerializer)
    def patch(self, request, event_slug):
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = services.ensure_profile(self.event, user=request.user)
        profile = services.update_profile(profile, user=request.user, **serializer.validated_data)
        return Response(OwnProfileSerializer(profile).data)


class ProfileListView(MatchmakingMixin, generics.ListAPIView):
    """Visible profiles. Query: ``q`` (organisation, position, bio), ``organisation_type``,
    ``tag`` (slug, in interests, offers or seeks), ``region``."""

    serializer_class = ProfileSerializer
    queryset = Profile.objects.none()
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("organisation_type", str),
            OpenApiParameter("tag", str),
            OpenApiParameter("region", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.visible_profiles_for(
            self.event,
            viewer=self.request.user,
            search=params.get("q", "").strip(),
            organisation_type=params.get("organisation_type", ""),
            tag=params.get("tag", ""),
            region=params.get("region", "").strip(),
        )


class ProfileDetailView(MatchmakingMixin, APIView):
    """A visible profile by user id (one's own even while hidden)."""

    @extend_schema(responses=ProfileSerializer)
    def get(self, request, event_slug, user_id):
        profile = selectors.profile_for(self.event, user_id, viewer=request.user)
        if profile is None:
            raise NotFound()
        return Response(ProfileSerializer(profile).data)


class TagListView(MatchmakingMixin, generics.ListAPIView):
    """The event's tag vocabulary for interests, offers and seeks."""

    serializer_class = TagSerializer
    queryset = Profile.objects.none()
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return selectors.tags_for(self.event)


class BlockView(MatchmakingMixin, APIView):
    """POST ``{"user": id}`` blocks that user at this event; DELETE with the same body unblocks."""

    @extend_schema(request=BlockSerializer, responses=BlockSerializer)
    def post(self, request, event_slug):
        serializer = BlockSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.block_user(
            self.event, user=request.user, blocked_id=serializer.validated_data["user"]
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BlockSerializer, responses=None)
    def delete(self, request, event_slug):
        serializer = BlockSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.unblock_user(
            self.event, user=request.user, blocked_id=serializer.validated_data["user"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecommendationView(MatchmakingMixin, APIView):
    """Recommended visible profiles, best first, each with ``score`` (0–1) and ``reasons``.

    Only while one's own profile is visible. ``limit``: 1–50, default 10.
    """

    @extend_schema(
        parameters=[OpenApiParameter("limit", int)],
        responses=RecommendationSerializer(many=True),
    )
    def get(self, request, event_slug):
        try:
            limit = int(request.query_params.get("limit", selectors.DEFAULT_LIMIT))
        except ValueError:
            raise MatchmakingError(_("Give a whole number."), field="limit") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise MatchmakingError(_("Between 1 and %(max)d.") % {"max": MAX_LIMIT}, field="limit")
        profile = services.ensure_profile(self.event, user=request.user)
        require(
            request.user,
            "matchmaking.view_recommendations",
            profile,
            message=_("Make your profile visible to get recommendations."),
        )
        items = selectors.recommendations_for(profile, limit=limit)
        data = [
            {"profile": other, "score": score, "reasons": reasons}
            for other, score, reasons in items
        ]
        return Response(RecommendationSerializer(data, many=True).data)


# --- meetings -----------------------------------------------------------------------------------


class MeetingListView(MatchmakingMixin, APIView):
    """GET one's meetings (``?state=pending,accepted``); POST a request (201, with ``warnings``).

    409 when either side already has a meeting then; 400 outside the event's meeting slots or
    beyond the pending cap; 403 when blocked.
    """

    @extend_schema(
        parameters=[OpenApiParameter("state", str, description="Comma-separated states.")],
        responses=MeetingSerializer(many=True),
    )
    def get(self, request, event_slug):
        states = [value for value in request.query_params.get("state", "").split(",") if value]
        unknown = set(states) - set(Meeting.State.values)
        if unknown:
            raise MatchmakingError(
                _("Unknown state: %(states)s.") % {"states": ", ".join(sorted(unknown))},
                field="state",
            )
        meetings = meetings_service.meetings_for(request.user, self.event, states=states)
        return Response(MeetingSerializer(meetings, many=True, context={"request": request}).data)

    @extend_schema(request=MeetingRequestSerializer, responses={201: MeetingWithWarningsSerializer})
    def post(self, request, event_slug):
        serializer = MeetingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting, warnings = meetings_service.request_meeting(
            self.event,
            user=request.user,
            invitee_id=data["invitee"],
            start=data["start"],
            end=data["end"],
            message=data["message"],
            location=data["location"],
        )
        return Response(_with_warnings(meeting, request, warnings), status=status.HTTP_201_CREATED)


def _with_warnings(meeting, request, warnings):
    return {**meetings_service.meeting_data(meeting, request.user), "warnings": warnings}


class MeetingDetailView(MatchmakingMixin, APIView):
    """One meeting; 404 for anyone but its two participants."""

    @extend_schema(responses=MeetingSerializer)
    def get(self, request, event_slug, pk):
        meeting = meetings_service.load_meeting(request.user, pk, event=self.event)
        return Response(meetings_service.meeting_data(meeting, request.user))


class MeetingActionView(MatchmakingMixin, APIView):
    """POST ``accept`` or ``decline`` (the awaited side), ``cancel`` (either side)."""

    verb = None

    @extend_schema(request=None, responses=MeetingWithWarningsSerializer)
    def post(self, request, event_slug, pk):
        meeting = meetings_service.load_meeting(request.user, pk, event=self.event)
        warnings = []
        if self.verb == "accept":
            meeting, warnings = meetings_service.accept_meeting(meeting, user=request.user)
        elif self.verb == "decline":
            meeting = meetings_service.decline_meeting(meeting, user=request.user)
        else:
            meeting = meetings_service.cancel_meeting(meeting, user=request.user)
        return Response(_with_warnings(meeting, request, warnings))


class MeetingRescheduleView(MatchmakingMixin, APIView):
    """POST ``{start, end}``: a new time, pending until the other side accepts it."""

    @extend_schema(request=RescheduleSerializer, responses=MeetingWithWarningsSerializer)
    def post(self, request, event_slug, pk):
        meeting = meetings_service.load_meeting(request.user, pk, event=self.event)
        serializer = RescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting, warnings = meetings_service.reschedule_meeting(
            meeting, user=request.user, **serializer.validated_data
        )
        return Response(_with_warnings(meeting, request, warnings))


class FreeSlotView(MatchmakingMixin, APIView):
    """The event's future meeting slots free for you and ``with`` (a user id), each with
    ``warnings`` naming sessions of your agenda at that time. Without ``with``: free for you."""

    @extend_schema(
        parameters=[OpenApiParameter("with", int)], responses=FreeSlotSerializer(many=True)
    )
    def get(self, request, event_slug):
        other = request.user
        if "with" in request.query_params:
            try:
                other_id = int(request.query_params["with"])
            except ValueError:
                raise MatchmakingError(_("Give a user id."), field="with") from None
            try:
                other = meetings_service.meeting_partner(self.event, request.user, other_id)
            except MatchmakingError as error:
                error.field = "with"
                raise
        slots = meetings_service.free_slots(self.event, user=request.user, other=other)
        return Response(FreeSlotSerializer(slots, many=True).data)


class SlotListView(MatchmakingMixin, generics.ListCreateAPIView):
    """All of the event's meeting slots; organizers POST ``{start, end}`` to add one."""

    serializer_class = SlotSerializer
    queryset = MeetingSlot.objects.none()
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return MeetingSlot.objects.filter(event=self.event).order_by("start", "end")

    def create(self, request, *args, **kwargs):
        require(request.user, "matchmaking.manage_slots", self.event)
        serializer = SlotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = meetings_service.create_slot(
            self.event, user=request.user, **serializer.validated_data
        )
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class SlotSeriesView(MatchmakingMixin, APIView):
    """Organizers POST ``{"day", "from", "to", "minutes"}`` to add a day's slots at once; slots
    that exist already are kept. 201 with the new slots."""

    @extend_schema(request=SlotSeriesSerializer, responses={201: SlotSerializer(many=True)})
    def post(self, request, event_slug):
        require(request.user, "matchmaking.manage_slots", self.event)
        serializer = SlotSeriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = meetings_service.create_slot_series(
            self.event,
            user=request.user,
            day=data["day"],
            first=data["from"],
            last=data["to"],
            minutes=data["minutes"],
        )
        return Response(SlotSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class SlotDetailView(MatchmakingMixin, APIView):
    """Organizers DELETE a slot; meetings already in it stay."""

    @extend_schema(responses=None)
    def delete(self, request, event_slug, pk):
        require(request.user, "matchmaking.manage_slots", self.event)
        slot = MeetingSlot.objects.filter(event=self.event, pk=pk).first()
        if slot is None:
            raise NotFound()
        meetings_service.delete_slot(slot, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reports ------------------------------------------------------------------------------------


class ReportListView(MatchmakingMixin, APIView):
    """POST a report about another attendee (anyone taking part; ``block`` blocks as well);
    GET the event's reports (organizers)."""

    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request, event_slug):
        require(request.user, "matchmaking.handle_reports", self.event)
        reports = list(
            Report.objects.filter(event=self.event).select_related("reporter", "reported")
        )
        privacy.record_access(
            actor=request.user,
            what="matchmaking.reports",
            subject_ids=[id_ for r in reports for id_ in (r.reporter_id, r.reported_id)],
            event=self.event,
        )
        return Response(ReportSerializer(reports, many=True).data)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def post(self, request, event_slug):
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        conversation = None
        if data["conversation"] is not None:
            conversation = Conversation.objects.filter(
                pk=data["conversation"], event=self.event
            ).first()
            if conversation is None:
                raise MatchmakingError(_("No such conversation."), field="conversation")
        report = meetings_service.report_user(
            self.event,
            user=request.user,
            reported_id=data["user"],
            reason=data["reason"],
            conversation=conversation,
            block=data["block"],
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportResolveView(MatchmakingMixin, APIView):
    """Organizers mark a report resolved."""

    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request, event_slug, pk):
        require(request.user, "matchmaking.handle_reports", self.event)
        report = Report.objects.filter(event=self.event, pk=pk).first()
        if report is None:
            raise NotFound()
        report = meetings_service.resolve_report(report, user=request.user)
        return Response(ReportSerializer(report).data)
