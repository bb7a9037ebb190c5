"""REST: the organizers read the feedback about barriers of their event."""

from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from congress.models import Event
from treffpunkt.access import require

from .models import Feedback
from .selectors import feedback_for


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "name", "email", "page", "message", "created_at", "is_resolved"]


class FeedbackList(generics.ListAPIView):
    """Feedback about barriers of one event, newest first (organizers only)."""

    serializer_class = FeedbackSerializer
    queryset = Feedback.objects.none()  # for the schema; the list is event_slug's

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Feedback.objects.none()
        event = get_object_or_404(Event, slug=self.kwargs["event_slug"])
        require(self.request.user, "accessibility.view_feedback", event)
        return feedback_for(event)
