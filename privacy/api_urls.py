from django.urls import path

from . import api

urlpatterns = [
    path("me/export/", api.MyExportView.as_view(), name="me-export"),
    path("me/", api.MeView.as_view(), name="me-erase"),
]
