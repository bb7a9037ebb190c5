"""Web pages of data protection."""

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("me/data/export/", views.request_export, name="request-export"),
    path("me/data/download/<str:token>/", views.download, name="download"),
    path("me/data/erase/", views.erase, name="erase"),
    path("me/data/consents/<int:pk>/withdraw/", views.withdraw_consent, name="withdraw"),
    path("datenschutz/", views.platform_text, {"kind": "privacy_notice"}, name="platform-notice"),
    path("impressum/", views.platform_text, {"kind": "imprint"}, name="platform-imprint"),
    path(
        "events/<slug:slug>/datenschutz/",
        views.legal_text,
        {"kind": "privacy_notice"},
        name="notice",
    ),
    path("events/<slug:slug>/impressum/", views.legal_text, {"kind": "imprint"}, name="imprint"),
    path("events/<slug:slug>/datenschutz/zustimmen/", views.consent_again, name="consent-again"),
    path("events/<slug:slug>/datenschutz/bearbeiten/", views.edit_texts, name="edit"),
]
