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


def test_admin_avatars_never_come_from_gravatar(client, marketer):
    client.force_login(marketer)
    html = client.get("/admin/").content.decode()
    assert "gravatar.com" not in html
    assert "default-user-avatar" in html  # Wagtail's own avatar, served by Concord


def test_a_rep_who_opens_the_admin_lands_in_the_library_told_why(client, rep, home_page):
    from assets.services import ensure_library

    ensure_library(home=home_page)
    client.force_login(rep)
    for path in ("/admin/", "/admin/pages/", "/admin/login/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/library/", path
    page = client.get("/admin/", follow=True)
    assert "The admin is for marketing and compliance staff" in page.content.decode()


def test_staff_and_visitors_reach_the_admin_as_before(client, marketer):
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(marketer)
    assert client.get("/admin/").status_code == 200
