"""REST routes of onboarding under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "events/<slug:event_slug>/registrations/import/",
        api.RegistrationImportView.as_view(),
        name="registration-import",
    ),
    path(
        "events/<slug:event_slug>/invitations/",
        api.InvitationListView.as_view(),
        name="invitations",
    ),
    path(
        "events/<slug:event_slug>/invitations/<int:pk>/resend/",
        api.InvitationResendView.as_view(),
        name="invitation-resend",
    ),
    path(
        "events/<slug:event_slug>/exhibitors/<int:pk>/staff/invite/",
        api.StaffInviteView.as_view(),
        name="exhibitor-staff-invite",
    ),
    path("events/<slug:event_slug>/policy/", api.PolicyView.as_view(), name="event-policy"),
    path("events/<slug:event_slug>/join/", api.JoinView.as_view(), name="event-join"),
    path(
        "events/<slug:event_slug>/registration-requests/",
        api.RegistrationRequestListView.as_view(),
        name="registration-requests",
    ),
    path(
        "events/<slug:event_slug>/registration-requests/<int:pk>/approve/",
        api.RegistrationRequestDecisionView.as_view(approve=True),
        name="registration-request-approve",
    ),
    path(
        "events/<slug:event_slug>/registration-requests/<int:pk>/decline/",
        api.RegistrationRequestDecisionView.as_view(approve=False),
        name="registration-request-decline",
    ),
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
]
