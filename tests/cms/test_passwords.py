"""Forgotten passwords: request, e-mail, new password, sign in; no enumeration; throttled."""

import re

from django.core import mail
from django.urls import reverse

import pytest

from cms import passwords
from tests.cms.factories import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def signs_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_a_rep_resets_their_password_by_email_end_to_end(client, rep, smtp_server):
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login and "Forgotten your password?" in login

    response = client.post(reverse("password_reset"), {"email": rep.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [message] = smtp_server.messages
    assert message["To"] == rep.email
    assert message["Subject"] == "Reset your Concord password"
    path = LINK.search(message.get_payload()).group(1)  # built from WAGTAILADMIN_BASE_URL

    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    new = "a-new-passphrase-for-calls"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")

    assert signs_in(client, rep.username, new)
    client.post(reverse("logout"))
    assert not signs_in(client, rep.username, PASSWORD)
    assert "doesn't work any more" in client.get(path, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_links_use_the_configured_address_not_the_host_header(client, rep, settings, mailoutbox):
    settings.WAGTAILADMIN_BASE_URL = "https://concord.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    client.post(reverse("password_reset"), {"email": rep.email}, HTTP_HOST="evil.example")
    [message] = mail.outbox
    assert "https://concord.example.org/accounts/password/reset/" in message.body
    assert "evil.example" not in message.body


def test_requests_are_throttled(client, rep, mailoutbox):
    for _ in range(passwords.PER_EMAIL):
        assert client.post(reverse("password_reset"), {"email": rep.email}).status_code == 302
    refused = client.post(reverse("password_reset"), {"email": rep.email})
    assert refused.status_code == 429
    assert "Too many reset requests" in refused.content.decode()
    assert len(mailoutbox) == passwords.PER_EMAIL


def test_the_admin_sign_in_is_concords_with_the_same_reset_flow(client):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Sign in to Concord" in html and "Sign in to Wagtail" not in html
    assert reverse("password_reset") in html
    assert "/admin/password_reset/" not in html
    assert client.get("/admin/password_reset/").status_code == 404


def test_any_address_typed_makes_a_safe_cache_key(client, recwarn):
    typed = "x" * 300 + "@example.org"
    response = client.post(reverse("password_reset"), {"email": typed})
    assert response.status_code in (200, 302, 400)
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]
