"""Web pages of the back office (the web client's look, served from this app)."""

from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("events/<slug:slug>/changes/", views.changes, name="changes"),
    path("events/<slug:slug>/report/", views.report_page, name="report"),
    path("events/<slug:slug>/webhooks/", views.webhook_list, name="webhooks"),
    path("events/<slug:slug>/webhooks/<int:pk>/test/", views.webhook_test, name="webhook-test"),
]
