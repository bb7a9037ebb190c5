"""Single sign-on in Chromium through a real OpenID Connect provider (node oidc-provider)."""

import pytest

from tests.servers import chromium, free_port, run_setup, sqlite_env

from .servers import oidc_provider, onboarding_server
from .smtp import smtp_server

pytestmark = pytest.mark.browser

SETUP = """
import json
from allauth.account.models import EmailAddress
from congress.models import Registration
from tests.factories import EventFactory, RegistrationFactory, SessionFactory, UserFactory
event = EventFactory(slug="digitale-stadt", name="Digitale Stadt 2026")
SessionFactory(event=event, title="Verwaltung im Netz")
lena = UserFactory(username="lena", email="lena@example.org")
EmailAddress.objects.create(user=lena, email=lena.email, primary=True, verified=True)
uwe = UserFactory(username="uwe", email="unverified-uwe@example.org")
EmailAddress.objects.create(user=uwe, email=uwe.email, primary=True, verified=True)
print(json.dumps({"slug": event.slug, "lena": lena.pk}))
"""

COUNT = """
import json
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
print(json.dumps({
    "users": sorted(get_user_model().objects.values_list("username", flat=True)),
    "links": sorted(SocialAccount.objects.values_list("uid", "user__username")),
}))
"""


@pytest.fixture(scope="module")
def sso(database_templates, tmp_path_factory):
    directory = tmp_path_factory.mktemp("sso")
    web_port, oidc_port = free_port(), free_port()
    redirect_uri = f"http://127.0.0.1:{web_port}/accounts/oidc/landeskonto/login/callback/"
    with (
        smtp_server() as (_collector, smtp_port),
        oidc_provider(
            port=oidc_port,
            client_id="treffpunkt",
            client_secret="geheim-nur-im-test",
            redirect_uri=redirect_uri,
            log_path=directory / "oidc.log",
        ) as issuer,
        onboarding_server(
            database_templates,
            directory,
            SETUP,
            smtp_port=smtp_port,
            port=web_port,
            extra_env={
                "OIDC_ISSUER": issuer,
                "OIDC_CLIENT_ID": "treffpunkt",
                "OIDC_CLIENT_SECRET": "geheim-nur-im-test",
                "OIDC_NAME": "Landeskonto",
            },
        ) as (base_url, made),
    ):
        yield base_url, made, directory


def sign_in_with_landeskonto(browser, base_url, slug, login, *, lands=True):
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{base_url}/login/?next=/events/{slug}/")
    page.get_by_role("button", name="Mit Landeskonto anmelden").click()
    # The provider's own pages: any login name, then consent.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("egal")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    if lands:
        page.wait_for_url(f"{base_url}/events/{slug}/")
    else:
        page.wait_for_url(f"{base_url}/accounts/**")
    return page


def test_landeskonto_login_links_the_verified_account_and_lands_on_the_event(sso):
    base_url, made, directory = sso
    slug = made["slug"]
    env = sqlite_env(directory, f"sqlite:///{directory / 'db.sqlite3'}")
    with chromium() as browser:
        page = sign_in_with_landeskonto(browser, base_url, slug, "lena")
        assert page.get_by_text("Verwaltung im Netz").first.is_visible()
        assert page.locator(".site-user").inner_text() == "lena"
        first = run_setup(env, COUNT)
        assert first["links"] == [["lena", "lena"]]

        again = sign_in_with_landeskonto(browser, base_url, slug, "lena")
        assert again.locator(".site-user").inner_text() == "lena"
        assert run_setup(env, COUNT) == first


def test_an_unverified_provider_address_does_not_take_over_an_account(sso):
    base_url, made, directory = sso
    env = sqlite_env(directory, f"sqlite:///{directory / 'db.sqlite3'}")
    before = run_setup(env, COUNT)
    with chromium() as browser:
        page = sign_in_with_landeskonto(
            browser, base_url, made["slug"], "unverified-uwe", lands=False
        )
        assert page.locator(".site-user").count() == 0
    after = run_setup(env, COUNT)
    assert ["unverified-uwe", "uwe"] not in after["links"]
    assert after["users"] == before["users"]
