"""An anonymous visitor on the public site, in a real browser."""

import pytest

from tests.e2e.conftest import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_visitor_reads_the_home_page_and_finds_staff_sign_in(page, home_page):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == home_page.title
    page.get_by_role("link", name="Staff sign in").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_wrong_password_is_explained(page, rep):
    login(page, "rep", "not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("Your username and password")


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_have_no_serious_accessibility_violations(page, home_page, path):
    page.goto(path)
    assert axe_violations(page) == []
