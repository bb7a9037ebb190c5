"""REST views of matchmaking: thin — parse, check, call a service or selector, render."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.api import EventScopedMixin
from treffpunkt.access import require

from . import selectors, services
from .errors import MatchmakingError
from .models import Profile
from .serializers import (
    BlockSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    RecommendationSerializer,
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
    """One's own profile; created hidden on first read. PATCH ``is_visible`` to opt in or out."""

    @extend_schema(responses=ProfileSerializer)
    def get(self, request, event_slug):
        profile = services.ensure_profile(self.event, user=request.user)
        return Response(ProfileSerializer(profile).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=ProfileSerializer)
    def patch(self, request, event_slug):
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = services.ensure_profile(self.event, user=request.user)
        profile = services.update_profile(profile, user=request.user, **serializer.validated_data)
        return Response(ProfileSerializer(profile).data)


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
