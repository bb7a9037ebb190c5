"""Sign-up, verification, log-in and password reset end to end over a real SMTP server."""

from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

from .smtp import html_of, link_in

pytestmark = pytest.mark.django_db


def sign_up(client, email="neu@example.org", username="neu"):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "username": username,
            "password1": "ein-gutes-Passwort-7",
            "password2": "ein-gutes-Passwort-7",
        },
    )


def log_in(client, login, password):
    return client.post("/login/", {"login": login, "password": password})


def test_sign_up_verification_mail_verifies_and_log_in_works(smtp):
    client = Client()
    response = sign_up(client)
    assert response.status_code == 302
    (mail,) = smtp.wait_for("neu@example.org")
    assert "text/html" in {part.get_content_type() for part in mail.walk()}
    assert "Bestätigen" in mail["Subject"] or "E-Mail" in mail["Subject"]
    link = link_in(mail, r"https?://\S+/accounts/confirm-email/\S+/")
    assert link in html_of(mail)

    # Not verified yet: the log-in stops at the verification notice.
    refused = log_in(Client(), "neu", "ein-gutes-Passwort-7")
    assert refused.status_code == 302 and "confirm-email" in refused["Location"]
    assert len(smtp.to("neu@example.org")) >= 1

    path = link.split("testserver", 1)[-1]
    assert client.get(path).status_code == 200
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="neu@example.org").verified is True

    for login in ("neu", "neu@example.org"):
        fresh = Client()
        response = log_in(fresh, login, "ein-gutes-Passwort-7")
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert fresh.get("/me/").status_code == 200


def test_verification_link_reused_shows_a_clear_page_and_changes_nothing(smtp):
    client = Client()
    sign_up(client)
    path = link_in(smtp.wait_for("neu@example.org")[0]).split("testserver", 1)[-1]
    client.post(path)
    again = client.get(path)
    assert again.status_code == 200
    assert "data-link-invalid" in again.content.decode()
    assert client.post(path).status_code in (200, 404)
    assert EmailAddress.objects.filter(email="neu@example.org", verified=True).count() == 1


def test_expired_verification_link_shows_a_clear_page_and_verifies_nothing(smtp, settings):
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0
    client = Client()
    sign_up(client)
    path = link_in(smtp.wait_for("neu@example.org")[0]).split("testserver", 1)[-1]
    page = client.get(path).content.decode()
    assert "data-link-invalid" in page
    client.post(path)
    assert EmailAddress.objects.get(email="neu@example.org").verified is False


def test_password_reset_end_to_end(smtp):
    user = UserFactory(username="rita", email="rita@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client = Client()
    assert (
        client.post("/accounts/password/reset/", {"email": "rita@example.org"}).status_code == 302
    )
    (mail,) = smtp.wait_for("rita@example.org")
    assert "text/html" in {part.get_content_type() for part in mail.walk()}
    path = link_in(mail).split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    done = client.post(
        set_path, {"password1": "neues-Passwort-42", "password2": "neues-Passwort-42"}
    )
    assert done.status_code == 302
    assert log_in(Client(), "rita", "neues-Passwort-42")["Location"] == "/"

    # The link works once: used again, it shows the clear page and changes nothing.
    reused = Client().get(path, follow=True)
    assert "data-link-invalid" in reused.content.decode()
    user.refresh_from_db()
    assert user.check_password("neues-Passwort-42")


def test_expired_password_reset_link_changes_nothing(smtp):
    user = UserFactory(username="rita", email="rita@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client = Client()
    client.post("/accounts/password/reset/", {"email": "rita@example.org"})
    path = link_in(smtp.wait_for("rita@example.org")[0]).split("testserver", 1)[-1]
    later = PasswordResetTokenGenerator()._now() + timedelta(days=4)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        page = client.get(path, follow=True)
        assert "data-link-invalid" in page.content.decode()
        client.post(path, {"password1": "neues-Passwort-42", "password2": "neues-Passwort-42"})
    user.refresh_from_db()
    assert user.check_password("treffpunkt")


def test_existing_account_logs_in_by_username_and_token_endpoint_works(api):
    UserFactory(username="demo", email="demo@example.org")
    assert log_in(Client(), "demo", "treffpunkt")["Location"] == "/"
    response = api.post("/api/v1/auth/token/", {"username": "demo", "password": "treffpunkt"})
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_endpoint_refuses_an_account_with_two_factor_login(api):
    from allauth.mfa.models import Authenticator

    user = UserFactory(username="mfa")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = api.post("/api/v1/auth/token/", {"username": "mfa", "password": "treffpunkt"})
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert not Token.objects.filter(user=user).exists()
