"""REST of 1:1 conversations: list and open (messages go over the websocket)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from congress.api import EventScopedMixin

from .selectors import conversation_data, conversations_for
from .services import open_conversation


class ConversationOpenSerializer(serializers.Serializer):
    """``{"with": user_id}``; "with" is a Python keyword, so the field is named in get_fields."""

    def get_fields(self):
        return {"with": serializers.IntegerField()}


class ConversationListView(EventScopedMixin, APIView):
    """The requesting user's 1:1 conversations at the event (GET), or open one (POST)."""

    permission_classes = [permissions.IsAuthenticated]
    # open_conversation checks conversations.open_conversation, which needs the other person.
    write_permission = None

    @extend_schema(responses={200: None})
    def get(self, request, event_slug):
        rows = conversations_for(request.user, self.event)
        return Response([conversation_data(row, request.user, unread=row.unread) for row in rows])

    @extend_schema(request=ConversationOpenSerializer, responses={200: None, 201: None})
    def post(self, request, event_slug):
        parsed = ConversationOpenSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        other = get_user_model().objects.filter(pk=parsed.validated_data["with"]).first()
        if other is None:
            raise NotFound()
        conversation, created = open_conversation(user=request.user, other=other, event=self.event)
        return Response(
            conversation_data(conversation, request.user),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
