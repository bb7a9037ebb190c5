"""The log-in form, throttled with every other door that checks a password.

``treffpunkt.ratelimit.check_login`` counts each attempt per client address and username before
the password is checked; the token endpoint calls the same function, so the two doors share
their counts. (The accounts work replaces this view with django-allauth: its
``AccountAdapter.pre_authenticate(request, **credentials)`` is the place to call ``check_login``
with ``request_ip(request)`` and the submitted login, answering 429 with ``Retry-After`` the same way.)
"""

import math

from django.contrib.auth import views as auth_views
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

from treffpunkt.ratelimit import check_login, request_ip


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        verdict = check_login(request_ip(request), request.POST.get("username", ""))
        if verdict.allowed:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        # Refused before the password is checked: the form carries only this error.
        form.cleaned_data, form._errors = {}, ErrorDict()
        form.add_error(
            None, _("Too many log-in attempts. Please wait a few minutes and try again.")
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(math.ceil(verdict.retry_after))
        return response
