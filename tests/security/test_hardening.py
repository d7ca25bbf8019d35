"""Hardening: sign-in throttling (django-axes) and the content security policy.

Throttling is on in every environment, the tests' included: django-axes counts failed
sign-ins in the database through the authentication backend, so every login form is
covered without listing paths. The test settings don't list the production CSP
middleware, so the CSP tests install it (and a test checks production lists it).
"""

import importlib

from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import pytest
from axes.models import AccessAttempt

from cms.middleware import ADMIN_POLICY, PUBLIC_POLICY
from tests.cms.factories import PASSWORD

CSP = "cms.middleware.ContentSecurityPolicyMiddleware"
LOGIN_URLS = ["/accounts/login/", "/admin/login/", "/_util/login/"]
LIMIT = 5  # AXES_FAILURE_LIMIT


@pytest.fixture
def hardened(settings):
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], CSP, *settings.MIDDLEWARE[1:]]
    return settings


def sign_in(client, path, username, password, ip="203.0.113.7", **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def assert_locked_out(response):
    assert response.status_code == 429, response.status_code
    text = response.content.decode()
    assert "Too many sign-in attempts" in text
    assert "15 minutes" in text and "administrator" in text  # how long, and who to ask
    assert "Traceback" not in text
    assert response["Retry-After"] == str(15 * 60)


def test_throttling_is_configured_through_the_authentication_backend():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.AXES_ENABLED
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_FAILURE_LIMIT == LIMIT


@pytest.mark.parametrize("path", LOGIN_URLS)
def test_repeated_failures_lock_out_that_username_and_address_on_every_login_url(
    rep, admin_user, path
):
    client = Client()
    for _attempt in range(LIMIT - 1):
        response = sign_in(client, path, "rep", "wrong")
        assert response.status_code == 200  # the form with its error
    assert_locked_out(sign_in(client, path, "rep", "wrong"))  # the fifth failure

    # Even the right password is refused now, on this URL and on every other one.
    for login_url in LOGIN_URLS:
        assert_locked_out(sign_in(client, login_url, "rep", PASSWORD))
        assert not signed_in(client)

    # Another address, or another username from this address, is not locked out.
    elsewhere = Client()
    assert sign_in(elsewhere, path, "rep", PASSWORD, ip="198.51.100.2").status_code == 302
    assert signed_in(elsewhere)
    assert sign_in(Client(), path, "someone-else", "wrong").status_code == 200
    assert sign_in(Client(), path, "admin", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "lookalike",
    [
        "ｒｅｐ",  # fullwidth letters
        "REP",
        " Rep ",
        "r\u200bep",  # a zero-width space inside
        "rep\u00ad",  # a soft hyphen after it
    ],
    ids=["fullwidth", "upper-case", "spaces", "zero-width", "soft-hyphen"],
)
@pytest.mark.parametrize("path", LOGIN_URLS)
def test_a_lookalike_spelling_of_a_locked_username_is_locked_out_too(rep, path, lookalike):
    client = Client()
    for _attempt in range(LIMIT):
        sign_in(client, path, "rep", "wrong")
    # The fullwidth spelling is the one Django's form would sign in as "rep".
    assert_locked_out(sign_in(client, path, lookalike, PASSWORD))
    assert not signed_in(client)
    assert_locked_out(sign_in(client, path, "rep", PASSWORD))


@pytest.mark.parametrize("path", LOGIN_URLS)
def test_failures_under_lookalike_spellings_count_for_the_one_username(rep, path):
    client = Client()
    for username in ("rep", "REP", "ｒｅｐ", "Rep ", "r\u200bep"):
        response = sign_in(client, path, username, "wrong")
    assert_locked_out(response)
    assert_locked_out(sign_in(client, path, "rep", PASSWORD))
    # One count, under the normalised username.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"rep"}


def test_a_successful_sign_in_clears_the_count(rep):
    client = Client()
    for _attempt in range(LIMIT - 1):
        sign_in(client, "/accounts/login/", "rep", "wrong")
    assert sign_in(client, "/accounts/login/", "rep", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(LIMIT - 1):
        assert sign_in(client, "/accounts/login/", "rep", "wrong").status_code == 200
    assert sign_in(client, "/accounts/login/", "rep", PASSWORD).status_code == 302


def test_the_lockout_is_kept_in_the_database_not_the_cache(rep):
    client = Client()
    for _attempt in range(LIMIT):
        sign_in(client, "/_util/login/", "rep", "wrong")
    cache.clear()  # a restart, an eviction or another worker's empty cache
    assert_locked_out(sign_in(Client(), "/accounts/login/", "rep", PASSWORD))
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("rep", "203.0.113.7")
    assert attempt.failures_since_start == LIMIT


def test_an_operator_unlocks_someone_with_axes_reset_username(rep, capsys):
    for _attempt in range(LIMIT):
        sign_in(Client(), "/accounts/login/", "REP", "wrong")
    assert_locked_out(sign_in(Client(), "/accounts/login/", "rep", PASSWORD))
    call_command("axes_reset_username", "rep")
    assert "1 attempts removed" in capsys.readouterr().out
    assert sign_in(Client(), "/accounts/login/", "rep", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(rep, settings):
    from datetime import timedelta

    from django.utils import timezone

    client = Client()
    for _attempt in range(LIMIT):
        sign_in(client, "/accounts/login/", "rep", "wrong")
    assert_locked_out(sign_in(client, "/accounts/login/", "rep", PASSWORD))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "/accounts/login/", "rep", PASSWORD).status_code == 302


def test_forwarded_for_is_trusted_only_behind_the_configured_proxies(settings, rep):
    # What TRUSTED_PROXY_COUNT=1 sets (cms/settings/base.py).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.IPWARE_STRICT = False
    client = Client()
    for _attempt in range(LIMIT):
        sign_in(
            client,
            "/accounts/login/",
            "rep",
            "wrong",
            ip="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
        )
    # A client can't escape by forging the left-hand entries.
    forged = sign_in(
        client,
        "/accounts/login/",
        "rep",
        PASSWORD,
        ip="10.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert_locked_out(forged)
    other = sign_in(
        Client(),
        "/accounts/login/",
        "rep",
        PASSWORD,
        ip="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302


def test_without_proxies_forwarded_for_is_ignored(rep):
    client = Client()
    for number in range(LIMIT):
        sign_in(client, "/accounts/login/", "rep", "wrong", HTTP_X_FORWARDED_FOR=f"9.9.9.{number}")
    assert_locked_out(
        sign_in(client, "/accounts/login/", "rep", PASSWORD, HTTP_X_FORWARDED_FOR="8.8.8.8")
    )


def test_hostile_usernames_get_a_form_error_not_a_500(rep):
    client = Client()
    for username in ("rep\x00", "x" * 100_000, "%00", "' OR 1=1 --", "\u202erep"):
        for path in LOGIN_URLS:
            response = sign_in(client, path, username, "wrong")
            assert response.status_code in (200, 400, 429), (path, username[:20])
    for path in LOGIN_URLS:  # not UTF-8 at all
        response = client.post(
            path,
            b"username=%FF%FEr%C0%AFep&password=%FF",
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR="198.51.100.77",
        )
        assert response.status_code in (200, 400, 429), path


def test_the_site_gets_a_strict_policy_and_the_admin_a_relaxed_one(hardened, world, rep):
    client = Client()
    assert client.get("/")["Content-Security-Policy"] == PUBLIC_POLICY
    assert client.get(reverse("login"))["Content-Security-Policy"] == PUBLIC_POLICY
    assert "'unsafe-inline'" not in PUBLIC_POLICY
    assert client.get("/admin/login/")["Content-Security-Policy"] == ADMIN_POLICY

    client.force_login(rep)
    assert client.get(world.library.url)["Content-Security-Policy"] == PUBLIC_POLICY
    # Wagtail's document view sets its own, stricter policy; it is kept.
    document = client.get(world.public_document.url)
    assert document["Content-Security-Policy"] != PUBLIC_POLICY


def test_production_settings_list_the_hardening(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    production = importlib.import_module("cms.settings.production")
    assert CSP in production.MIDDLEWARE
    assert production.MIDDLEWARE[0] == "django.middleware.security.SecurityMiddleware"
    assert production.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert production.AXES_ENABLED and production.AXES_FAILURE_LIMIT == LIMIT


# Server-Timing says whether a page or PDF was cached: another rep's activity.


def timed_responses(client, world):
    """The library listing twice and the item PDF twice (the fast path the 2nd time)."""
    return [
        client.get(world.library.url),
        client.get(world.library.url),
        client.get(world.asset.get_pdf_url()),
        client.get(world.asset.get_pdf_url()),
    ]


@pytest.mark.usefixtures("stub_pdf_renderer")
def test_reps_are_not_told_what_is_cached(world, rep):
    client = Client()
    client.force_login(rep)
    responses = timed_responses(client, world)
    assert [response.status_code for response in responses] == [200] * 4
    for response in responses:
        assert "Server-Timing" not in response, response["Server-Timing"]
    # The views still measured: in-process callers (tests, benchmarks) can read it.
    assert 'desc="cached"' in responses[1].server_timing
    assert 'desc="fast-cached"' in responses[3].server_timing


@pytest.mark.parametrize("who", ["staff", "superuser"])
@pytest.mark.usefixtures("stub_pdf_renderer")
def test_staff_see_server_timing(world, rep, admin_user, who):
    user = admin_user
    if who == "staff":
        rep.is_staff = True
        rep.save(update_fields=["is_staff"])
        user = rep
    client = Client()
    client.force_login(user)
    responses = timed_responses(client, world)
    assert 'desc="built"' in responses[0]["Server-Timing"]
    assert 'desc="cached"' in responses[1]["Server-Timing"]
    assert "pdf;dur=" in responses[2]["Server-Timing"]


def test_with_debug_everyone_sees_server_timing(world, rep, settings):
    settings.DEBUG = True
    client = Client()
    client.force_login(rep)
    assert 'desc="built"' in client.get(world.library.url)["Server-Timing"]
