"""REST for the stage: the join URL and the occupancy of the video room of a session, a booth
or an accepted meeting (the same services and rules as the web's join buttons)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from congress import selectors
from expo.models import Exhibitor
from matchmaking.meetings import load_meeting
from treffpunkt.access import allowed, require

from . import services

OCCUPANCY = inline_serializer(
    "VideoOccupancy", {"occupancy": serializers.IntegerField(allow_null=True)}
)
JOIN = inline_serializer(
    "VideoJoin",
    {
        "url": serializers.URLField(),
        "moderator": serializers.BooleanField(),
        "provider": serializers.CharField(),
    },
)


def _event(request, event_slug):
    event = selectors.visible_event(request.user, event_slug)
    if event is None:
        raise NotFound()
    return event


def _session(request, event_slug, pk):
    event = _event(request, event_slug)
    return get_object_or_404(selectors.sessions_for(event).prefetch_related(None), pk=pk)


def _booth(request, event_slug, pk):
    """The booth, 404 where this user may not see it (a draft of another team)."""
    event = _event(request, event_slug)
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("event"), event=event, pk=pk)
    if not allowed(request.user, "expo.view_exhibitor", exhibitor):
        raise NotFound()
    return exhibitor


def _meeting(request, event_slug, pk):
    """The meeting, 404 for anyone but its two participants (as every meeting route)."""
    return load_meeting(request.user, pk, event=_event(request, event_slug))


class SessionVideoView(APIView):
    """GET: how many are in the session's video room. POST: a personal join URL (moderator for
    organizers and the session's speakers)."""

    @extend_schema(responses=OCCUPANCY)
    def get(self, request, event_slug, pk):
        session = _session(request, event_slug, pk)
        require(request.user, "stage.join_video", session)
        return Response({"occupancy": services.video_occupancy(session)})

    @extend_schema(request=None, responses=JOIN)
    def post(self, request, event_slug, pk):
        session = _session(request, event_slug, pk)
        return Response(services.join_session_video(user=request.user, session=session))


class BoothVideoView(APIView):
    """GET: how many are in the booth's video room. POST: a personal join URL (moderator for the
    booth's staff). For the booth's staff and registered attendees who may see the booth."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OCCUPANCY)
    def get(self, request, event_slug, pk):
        exhibitor = _booth(request, event_slug, pk)
        occupancy = services.booth_video_occupancy(user=request.user, exhibitor=exhibitor)
        return Response({"occupancy": occupancy})

    @extend_schema(request=None, responses=JOIN)
    def post(self, request, event_slug, pk):
        exhibitor = _booth(request, event_slug, pk)
        return Response(services.join_booth_video(user=request.user, exhibitor=exhibitor))


class MeetingVideoView(APIView):
    """GET: how many are in an accepted meeting's video room. POST: a personal join URL. Only for
    the meeting's two participants (both moderate); 404 for anyone else."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OCCUPANCY)
    def get(self, request, event_slug, pk):
        meeting = _meeting(request, event_slug, pk)
        occupancy = services.meeting_video_occupancy(user=request.user, meeting=meeting)
        return Response({"occupancy": occupancy})

    @extend_schema(request=None, responses=JOIN)
    def post(self, request, event_slug, pk):
        meeting = _meeting(request, event_slug, pk)
        return Response(services.join_meeting_video(user=request.user, meeting=meeting))
