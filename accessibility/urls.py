from django.urls import path

from .api import FeedbackList

urlpatterns = [
    path(
        "events/<slug:event_slug>/accessibility-feedback/",
        FeedbackList.as_view(),
        name="accessibility-feedback-list",
    ),
]
