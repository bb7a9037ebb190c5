from django.urls import path

from . import api

urlpatterns = [
    path("me/notifications/", api.PreferencesView.as_view(), name="notification-preferences"),
    path("me/notifications/inbox/", api.InboxView.as_view(), name="notification-inbox"),
    path("me/notifications/inbox/read/", api.InboxReadView.as_view(), name="notification-read"),
]
