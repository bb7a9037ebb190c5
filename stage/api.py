"""REST for the stage: the join URL of a session's video room and its occupancy."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from congress import selectors
from treffpunkt.access import require

from . import services


def _session(request, event_slug, pk):
    event = selectors.visible_event(request.user, event_slug)
    if event is None:
        raise NotFound()
    return get_object_or_404(selectors.sessions_for(event).prefetch_related(None), pk=pk)


class SessionVideoView(APIView):
    """GET: how many are in the session's video room. POST: a personal join URL (moderator for
    organizers and the session's speakers)."""

    @extend_schema(
        responses=inline_serializer(
            "VideoOccupancy", {"occupancy": serializers.IntegerField(allow_null=True)}
        )
    )
    def get(self, request, event_slug, pk):
        session = _session(request, event_slug, pk)
        require(request.user, "stage.join_video", session)
        return Response({"occupancy": services.video_occupancy(session)})

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "VideoJoin",
            {
                "url": serializers.URLField(),
                "moderator": serializers.BooleanField(),
                "provider": serializers.CharField(),
            },
        ),
    )
    def post(self, request, event_slug, pk):
        session = _session(request, event_slug, pk)
        return Response(services.join_session_video(user=request.user, session=session))
