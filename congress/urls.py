"""REST routes of the congress under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import announcements_api, api, export_views

events = SimpleRouter(trailing_slash=True)
events.register("events", api.EventViewSet, basename="event")

nested = SimpleRouter(trailing_slash=True)
nested.register("rooms", api.RoomViewSet, basename="room")
nested.register("tracks", api.TrackViewSet, basename="track")
nested.register("speakers", api.SpeakerViewSet, basename="speaker")
nested.register("sessions", api.SessionViewSet, basename="session")
nested.register("registrations", api.RegistrationViewSet, basename="registration")
nested.register("agenda", api.AgendaViewSet, basename="agenda")
nested.register("announcements", announcements_api.AnnouncementViewSet, basename="announcement")

urlpatterns = [
    path("", include(events.urls)),
    path(
        "events/<slug:event_slug>/registration/",
        api.MyRegistrationView.as_view(),
        name="my-registration",
    ),
    path("events/<slug:event_slug>/", include(nested.urls)),
    path(
        "events/<slug:slug>/schedule.xml",
        export_views.schedule,
        {"export": "xml"},
        name="schedule-xml",
    ),
    path(
        "events/<slug:slug>/schedule.json",
        export_views.schedule,
        {"export": "json"},
        name="schedule-json",
    ),
    path(
        "events/<slug:slug>/schedule.ics",
        export_views.schedule,
        {"export": "ics"},
        name="schedule-ics",
    ),
    path("agenda/<str:token>.ics", export_views.agenda, name="agenda-ics"),
]
