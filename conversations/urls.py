"""REST routes of 1:1 conversations under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "events/<slug:event_slug>/conversations/",
        api.ConversationListView.as_view(),
        name="conversations",
    ),
]
