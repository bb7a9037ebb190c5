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
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
]
