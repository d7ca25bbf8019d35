"""A rep logs an objection heard on a call; the marketer finds it in the objection review."""

import pytest

from tests.cms.factories import PASSWORD
from tests.e2e.conftest import admin_login, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEARD = "Your wait list for cardiac rehabilitation is longer than the hospital across town."


def test_rep_logs_an_objection_and_the_marketer_finds_it_in_the_review_report(
    page, organisation, rep, marketer
):
    login(page, "rep", PASSWORD)
    page.goto("/library/objections/log/")
    page.get_by_label("What did the buyer say?").fill(HEARD)
    page.get_by_label("Service line").select_option(label="Cardiology")
    page.get_by_label("Journey stage").select_option(label="Evaluation")
    page.get_by_label("Who said it").select_option(label="Referring physician")
    page.get_by_role("button", name="Log objection").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").or_(page.get_by_role("alert")).first.is_visible()

    page.context.clear_cookies()
    admin_login(page, "marketer", PASSWORD)
    page.goto("/admin/library-reports/objections/")
    page.get_by_text(HEARD).first.wait_for()
    row = page.get_by_role("row").filter(has_text=HEARD)
    assert "Cardiology" in row.inner_text()
