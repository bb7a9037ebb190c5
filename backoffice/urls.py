"""REST routes of the back office under /api/v1/events/<slug>/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, feeds

router = SimpleRouter(trailing_slash=True)
router.register("webhooks", api.WebhookViewSet, basename="webhook")

EVENT = "events/<slug:event_slug>/"

urlpatterns = [
    path(
        EVENT + "schedule/import/",
        api.ScheduleImportView.as_view(),
        name="backoffice-schedule-import",
    ),
    path(EVENT + "releases/", api.ReleaseListView.as_view(), name="backoffice-releases"),
    path(EVENT + "releases.rss", feeds.ReleaseFeed(), name="backoffice-releases-rss"),
    path(EVENT + "releases.atom", feeds.ReleaseAtomFeed(), name="backoffice-releases-atom"),
    path(
        EVENT + "releases/<str:version>/",
        api.ReleaseDetailView.as_view(),
        name="backoffice-release",
    ),
    path(EVENT + "changes/", api.ChangesView.as_view(), name="backoffice-changes"),
    path(EVENT + "report/", api.ReportView.as_view(), name="backoffice-report"),
    path(EVENT + "report.csv", api.ReportCsvView.as_view(), name="backoffice-report-csv"),
    path(EVENT, include(router.urls)),
]
