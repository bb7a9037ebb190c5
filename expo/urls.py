"""REST routes of the expo under /api/v1/events/<slug>/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .api import ExhibitorViewSet

nested = SimpleRouter(trailing_slash=True)
nested.register("exhibitors", ExhibitorViewSet, basename="exhibitor")

urlpatterns = [
    path("events/<slug:event_slug>/", include(nested.urls)),
    path(
        "events/<slug:event_slug>/exhibitors/<int:pk>/leads.csv",
        ExhibitorViewSet.as_view({"get": "leads_csv"}),
        name="exhibitor-leads-csv-file",
    ),
]
