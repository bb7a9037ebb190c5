from django.urls import path

from . import api

urlpatterns = [
    path("me/export/", api.MyExportView.as_view(), name="me-export"),
    path("me/", api.MeView.as_view(), name="me-erase"),
    path("events/<slug:event_slug>/texts/", api.EventTextsView.as_view(), name="event-texts"),
    path(
        "events/<slug:event_slug>/texts/consents/",
        api.ConsentTextsView.as_view(),
        name="consent-texts",
    ),
]
