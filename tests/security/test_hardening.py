"""Production hardening: login throttling and the content security policy.

The test settings don't list the production middleware, so each test installs the
same two middleware classes production lists (and a test checks production lists them).
"""

import importlib

from django.test import Client
from django.urls import reverse

import pytest

from cms.middleware import ADMIN_POLICY, PUBLIC_POLICY
from tests.cms.factories import PASSWORD

HARDENING = [
    "cms.middleware.ContentSecurityPolicyMiddleware",
    "cms.middleware.LoginThrottleMiddleware",
]


@pytest.fixture
def hardened(settings):
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        HARDENING[0],
        *settings.MIDDLEWARE[1:],
        HARDENING[1],
    ]
    settings.LOGIN_THROTTLE_FAILURES = 5
    settings.LOGIN_THROTTLE_WINDOW = 15 * 60
    return settings


def sign_in(client, path, username, password, ip="203.0.113.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_repeated_failures_pause_sign_in_for_that_username_and_address(hardened, rep, path):
    client = Client()
    for _attempt in range(5):
        response = sign_in(client, path, "rep", "wrong")
        assert response.status_code == 200  # the form with its error

    blocked = sign_in(client, path, "rep", PASSWORD)  # even the right password
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.content.decode()
    assert blocked["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session

    # Another address, or another username from this address, is not paused.
    assert sign_in(Client(), path, "rep", PASSWORD, ip="198.51.100.2").status_code == 302
    assert sign_in(Client(), path, "someone-else", "wrong").status_code == 200


def test_a_successful_sign_in_clears_the_count(hardened, rep):
    client = Client()
    for _attempt in range(4):
        sign_in(client, "/accounts/login/", "rep", "wrong")
    assert sign_in(client, "/accounts/login/", "rep", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        assert sign_in(client, "/accounts/login/", "rep", "wrong").status_code == 200
    assert sign_in(client, "/accounts/login/", "rep", PASSWORD).status_code == 302


def test_the_username_is_compared_case_insensitively(hardened, rep):
    client = Client()
    for username in ("rep", "REP", " Rep", "rEp", "rep "):
        sign_in(client, "/accounts/login/", username, "wrong")
    assert sign_in(client, "/accounts/login/", "rep", PASSWORD).status_code == 429


def test_forwarded_for_is_trusted_only_behind_the_configured_proxies(hardened, settings, rep):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for _attempt in range(5):
        client.post(
            "/accounts/login/",
            {"username": "rep", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
        )
    # A client can't escape by forging the left-hand entries.
    forged = client.post(
        "/accounts/login/",
        {"username": "rep", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert forged.status_code == 429
    other = Client().post(
        "/accounts/login/",
        {"username": "rep", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302


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
    for name in HARDENING:
        assert name in production.MIDDLEWARE
    assert production.MIDDLEWARE[0] == "django.middleware.security.SecurityMiddleware"
    assert production.LOGIN_THROTTLE_FAILURES == 5
