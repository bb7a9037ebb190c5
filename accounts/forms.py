from allauth.account import app_settings
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.models import EmailAddress
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Benutzername oder E-Mail": the label the rest of the web client (and its tests) use.
        self.fields["login"].label = _("Username or e-mail")

    def _login_with_password(self, request, redirect_url, credentials):
        # Accounts made outside the sign-up (demo seed, admin, createsuperuser) have no allauth
        # address record: an administrator set their address, so there is nothing to verify.
        user = self._login.user
        if user is not None and not EmailAddress.objects.filter(user=user).exists():
            self._login.email_verification = app_settings.EmailVerificationMethod.NONE
        return super()._login_with_password(request, redirect_url, credentials)


class AcceptInvitationForm(SetPasswordForm):
    """Choose a password for an invited account."""
