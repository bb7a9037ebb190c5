"""REST routes of matchmaking under /api/v1/."""

from django.urls import path

from . import api

EVENT = "events/<slug:event_slug>/"

urlpatterns = [
    path(f"{EVENT}profiles/", api.ProfileListView.as_view(), name="profile-list"),
    path(f"{EVENT}profiles/me/", api.MyProfileView.as_view(), name="my-profile"),
    path(f"{EVENT}profiles/<int:user_id>/", api.ProfileDetailView.as_view(), name="profile-detail"),
    path(f"{EVENT}tags/", api.TagListView.as_view(), name="matchmaking-tags"),
    path(f"{EVENT}blocks/", api.BlockView.as_view(), name="matchmaking-blocks"),
    path(f"{EVENT}recommendations/", api.RecommendationView.as_view(), name="recommendations"),
    path(f"{EVENT}meetings/", api.MeetingListView.as_view(), name="meeting-list"),
    path(f"{EVENT}meetings/slots/", api.FreeSlotView.as_view(), name="meeting-free-slots"),
    path(f"{EVENT}meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="meeting-detail"),
    *(
        path(
            f"{EVENT}meetings/<int:pk>/{action}/",
            api.MeetingActionView.as_view(verb=action),
            name=f"meeting-{action}",
        )
        for action in ("accept", "decline", "cancel")
    ),
    path(
        f"{EVENT}meetings/<int:pk>/reschedule/",
        api.MeetingRescheduleView.as_view(),
        name="meeting-reschedule",
    ),
    path(f"{EVENT}meeting-slots/", api.SlotListView.as_view(), name="meeting-slot-list"),
    path(f"{EVENT}meeting-slots/series/", api.SlotSeriesView.as_view(), name="meeting-slot-series"),
    path(
        f"{EVENT}meeting-slots/<int:pk>/", api.SlotDetailView.as_view(), name="meeting-slot-detail"
    ),
    path(f"{EVENT}reports/", api.ReportListView.as_view(), name="report-list"),
    path(
        f"{EVENT}reports/<int:pk>/resolve/", api.ReportResolveView.as_view(), name="report-resolve"
    ),
]
