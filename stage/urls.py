"""REST routes of the stage under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "events/<slug:event_slug>/sessions/<int:pk>/video/",
        api.SessionVideoView.as_view(),
        name="session-video",
    ),
    path(
        "events/<slug:event_slug>/exhibitors/<int:pk>/video/",
        api.BoothVideoView.as_view(),
        name="booth-video",
    ),
    path(
        "events/<slug:event_slug>/meetings/<int:pk>/video/",
        api.MeetingVideoView.as_view(),
        name="meeting-video",
    ),
]
