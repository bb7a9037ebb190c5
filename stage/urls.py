"""REST routes of the stage under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "events/<slug:event_slug>/sessions/<int:pk>/video/",
        api.SessionVideoView.as_view(),
        name="session-video",
    ),
]
