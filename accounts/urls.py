"""Web pages of onboarding: invitation links, my account, the import and staff invitation pages."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("me/", views.my_account, name="me"),
    path("me/token/", views.api_token, name="api-token"),
    path("events/<slug:slug>/join/", views.join, name="join"),
    path("events/<slug:slug>/import/", views.import_registrations, name="import"),
    path("events/<slug:slug>/import/<int:job_pk>/", views.import_registrations, name="import-job"),
    path("events/<slug:slug>/expo/<int:pk>/invite/", views.invite_staff, name="invite-staff"),
    path("dev/outbox/", views.outbox, name="outbox"),
    path("dev/outbox/<int:pk>/", views.outbox_mail, name="outbox-mail"),
]
