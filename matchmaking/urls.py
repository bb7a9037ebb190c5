"""REST routes of matchmaking under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("events/<slug:event_slug>/profiles/", api.ProfileListView.as_view(), name="profile-list"),
    path("events/<slug:event_slug>/profiles/me/", api.MyProfileView.as_view(), name="my-profile"),
    path(
        "events/<slug:event_slug>/profiles/<int:user_id>/",
        api.ProfileDetailView.as_view(),
        name="profile-detail",
    ),
    path("events/<slug:event_slug>/tags/", api.TagListView.as_view(), name="matchmaking-tags"),
    path("events/<slug:event_slug>/blocks/", api.BlockView.as_view(), name="matchmaking-blocks"),
    path(
        "events/<slug:event_slug>/recommendations/",
        api.RecommendationView.as_view(),
        name="recommendations",
    ),
]
