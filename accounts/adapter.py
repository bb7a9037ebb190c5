"""allauth adapters: mail in the recipient's language with an HTML part; OIDC e-mail linking."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.utils import translation

from .mail import html_from_text, language_for


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        # The log-in view counted this attempt (``LoginView``); a right password takes it back.
        attempt = getattr(request, "login_attempt", None)
        if user is not None and attempt is not None:
            attempt.succeeded()
        return user

    def login(self, request, user):
        super().login(request, user)
        from .middleware import SESSION_KEY, events_requiring_mfa

        slugs = events_requiring_mfa(user)
        if slugs:
            request.session[SESSION_KEY] = slugs

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email).first()
        with translation.override(language_for(user, translation.get_language())):
            super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not any(mimetype == "text/html" for _content, mimetype in message.alternatives):
            message.attach_alternative(html_from_text(message.body, message.subject), "text/html")
        return message


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """An identity provider's account joins an existing one only by a verified e-mail.

    allauth's SOCIALACCOUNT_EMAIL_AUTHENTICATION does the matching; it trusts an address only when
    the provider marks it verified (the ``email_verified`` claim).
    """
