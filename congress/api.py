"""REST views of the congress: thin — parse, check, call a service, render."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from treffpunkt.access import require

from . import selectors, services
from .filters import SessionFilter
from .models import Registration, Room, Session, Speaker, Track
from .serializers import (
    EventSerializer,
    FavouriteSerializer,
    RegistrationSerializer,
    RoomSerializer,
    SessionSerializer,
    SessionStateSerializer,
    SpeakerSerializer,
    TrackSerializer,
)


class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Events. Everyone reads published events; staff create; organizers change."""

    serializer_class = EventSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    ordering_fields = ["start_date", "name"]

    def get_queryset(self):
        return selectors.events_for(self.request.user)

    def perform_create(self, serializer):
        event = services.create_event(user=self.request.user, **serializer.validated_data)
        serializer.instance = selectors.events_for(self.request.user).get(pk=event.pk)

    def perform_update(self, serializer):
        services.update_event(
            serializer.instance, user=self.request.user, **serializer.validated_data
        )
        serializer.instance = selectors.events_for(self.request.user).get(pk=serializer.instance.pk)

    def get_permissions(self):
        if self.request.method not in permissions.SAFE_METHODS:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Refuse before parsing, so a refused user learns nothing from validation errors.
        if request.method == "POST":
            require(request.user, "congress.add_event")
        if request.method in ("PUT", "PATCH"):
            event = get_object_or_404(self.get_queryset(), slug=kwargs.get("slug"))
            require(request.user, "congress.change_event", event)


class EventScopedMixin:
    """Resolves ``event_slug`` to a visible event; checks the write permission before parsing."""

    write_permission = "congress.change_programme"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        event = selectors.visible_event(request.user, kwargs["event_slug"])
        if event is None:
            raise NotFound()
        request.event = event
        self.event = event
        if request.method not in permissions.SAFE_METHODS and self.write_permission:
            require(request.user, self.write_permission, event)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "event"):
            context["event"] = self.event
        return context


class ProgrammeObjectViewSet(EventScopedMixin, viewsets.ModelViewSet):
    lookup_value_regex = "[0-9]+"
    # Subclasses name their model with an empty queryset, which the schema generator reads
    # without a request; the rows are scoped to the event in get_queryset.
    queryset = None
    save_service = None

    def get_queryset(self):
        return self.queryset.model.objects.filter(event=self.event)

    def perform_create(self, serializer):
        serializer.instance = type(self).save_service(
            user=self.request.user, event=self.event, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).save_service(
            serializer.instance,
            user=self.request.user,
            event=self.event,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        services.delete_programme_object(instance, user=self.request.user)


class RoomViewSet(ProgrammeObjectViewSet):
    """Rooms and stages of an event."""

    queryset = Room.objects.none()
    serializer_class = RoomSerializer
    save_service = services.save_room
    ordering_fields = ["position", "name"]


class TrackViewSet(ProgrammeObjectViewSet):
    """Tracks (themes) of an event."""

    queryset = Track.objects.none()
    serializer_class = TrackSerializer
    save_service = services.save_track
    ordering_fields = ["name"]


class SpeakerViewSet(ProgrammeObjectViewSet):
    """Speakers of an event."""

    queryset = Speaker.objects.none()
    serializer_class = SpeakerSerializer
    save_service = services.save_speaker
    ordering_fields = ["name", "organisation"]


class SessionViewSet(EventScopedMixin, viewsets.ModelViewSet):
    """The programme. Filters: day, room, track, kind, speaker, state, q; ordering by start/title."""

    lookup_value_regex = "[0-9]+"

    queryset = Session.objects.none()
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["start", "end", "title", "room__position"]
    ordering = ["start", "room__position", "id"]

    def get_queryset(self):
        return selectors.sessions_for(self.event)

    def perform_create(self, serializer):
        session = services.create_session(
            user=self.request.user, event=self.event, **serializer.validated_data
        )
        serializer.instance = selectors.sessions_for(self.event).get(pk=session.pk)

    def perform_update(self, serializer):
        session = services.update_session(
            serializer.instance, user=self.request.user, **serializer.validated_data
        )
        serializer.instance = selectors.sessions_for(self.event).get(pk=session.pk)

    def perform_destroy(self, instance):
        services.delete_session(instance, user=self.request.user)

    def _changes_state_only(self, request):
        return (
            self.action == "partial_update"
            and "state" in request.data
            and set(request.data) <= {"state", "cancellation_note"}
        )

    def initial(self, request, *args, **kwargs):
        # A session's speakers may start and end it (PATCH {"state"} or POST …/state/, with a
        # cancellation's note), so that check is per object, in the handlers below.
        if self.action == "state" or self._changes_state_only(request):
            self.write_permission = None
        super().initial(request, *args, **kwargs)

    def partial_update(self, request, *args, **kwargs):
        if self._changes_state_only(request):
            return self.state(request, *args, **kwargs)
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=SessionStateSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def state(self, request, *args, **kwargs):
        """Set the live state, a cancellation with an optional ``cancellation_note``; organizers
        and the session's own speakers may."""
        session = self.get_object()
        require(request.user, "congress.change_session_state", session)
        parsed = SessionStateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.set_session_state(
            session,
            user=request.user,
            state=parsed.validated_data["state"],
            note=parsed.validated_data.get("cancellation_note"),
        )
        return Response(
            self.get_serializer(selectors.sessions_for(self.event).get(pk=session.pk)).data
        )


class RegistrationViewSet(EventScopedMixin, viewsets.ReadOnlyModelViewSet):
    """All registrations of an event (organizers only)."""

    lookup_value_regex = "[0-9]+"

    queryset = Registration.objects.none()
    serializer_class = RegistrationSerializer
    write_permission = "congress.view_registrations"
    filterset_fields = ["role"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(request.user, "congress.view_registrations", self.event)

    def get_queryset(self):
        return Registration.objects.filter(event=self.event).select_related("user")


class MyRegistrationView(EventScopedMixin, APIView):
    """The requesting user's own registration: read, register (POST) or withdraw (DELETE)."""

    permission_classes = [permissions.IsAuthenticated]
    write_permission = "congress.register"

    @extend_schema(responses=RegistrationSerializer)
    def get(self, request, event_slug):
        registration = Registration.objects.filter(event=self.event, user=request.user).first()
        if registration is None:
            raise NotFound()
        return Response(RegistrationSerializer(registration, context={"request": request}).data)

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    def post(self, request, event_slug):
        existed = Registration.objects.filter(event=self.event, user=request.user).exists()
        registration = services.register(user=request.user, event=self.event)
        data = RegistrationSerializer(registration, context={"request": request}).data
        return Response(data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request, event_slug):
        services.unregister(user=request.user, event=self.event)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgendaViewSet(EventScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The personal agenda: the sessions the requesting user marked."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Session.objects.none()
    serializer_class = SessionSerializer
    write_permission = "congress.keep_agenda"
    lookup_field = "session_id"
    lookup_value_regex = "[0-9]+"
    ordering_fields = ["start", "end", "title"]

    def get_queryset(self):
        return selectors.agenda_for(self.request.user, self.event)

    @extend_schema(request=FavouriteSerializer, responses=SessionSerializer)
    def create(self, request, *args, **kwargs):
        parsed = FavouriteSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        session = Session.objects.filter(
            event=self.event, pk=parsed.validated_data["session"]
        ).first()
        if session is None:
            return Response({"session": [_("No such session in this event.")]}, status=400)
        services.add_favourite(user=request.user, session=session)
        body = self.get_serializer(selectors.sessions_for(self.event).get(pk=session.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("session_id", int, OpenApiParameter.PATH)])
    def destroy(self, request, session_id=None, *args, **kwargs):
        session = get_object_or_404(Session, event=self.event, pk=session_id)
        services.remove_favourite(user=request.user, session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)
