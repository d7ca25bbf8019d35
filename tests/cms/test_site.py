"""The public home page, rep login and logout, and the health check."""

import pytest

from tests.cms.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_page_renders(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert home_page.title in body
    assert 'href="/accounts/login/"' in body
    assert "/static/css/concord.css" in body  # our own stylesheet, no CDN
    assert "https://" not in body.split("</head>")[0]


def test_login_page_has_the_contract_fields(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body


def test_rep_logs_in_and_out(client, rep, home_page):
    response = client.post(
        "/accounts/login/", {"username": "rep", "password": PASSWORD, "next": "/"}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(rep.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_says_so_and_keeps_the_username(client, rep):
    response = client.post("/accounts/login/", {"username": "rep", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "didn&#x27;t match" in body or "didn't match" in body
    assert 'value="rep"' in body


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
