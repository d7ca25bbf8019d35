"""A marketer writes a one-pager in the admin and takes it through the terminology gate."""

import re

from wagtail.models import WorkflowState

import pytest

from assets.models import EnablementAssetPage
from tests.cms.factories import PASSWORD
from tests.e2e.conftest import admin_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FINDING = "replace “cardiac rehab” with “cardiac rehabilitation”"


def test_marketer_is_sent_back_by_the_terminology_gate_then_resubmits(page, organisation, marketer):
    admin_login(page, "marketer", PASSWORD)
    page.goto(f"/admin/pages/add/assets/enablementassetpage/{organisation.library.pk}/")
    page.locator("#id_title").fill("Cardiac rehabilitation referrals: what to expect")
    page.get_by_role("combobox", name="Kind").select_option(label="One-pager")
    page.get_by_role("combobox", name="Audience").select_option(value="external")
    summary = page.get_by_role("textbox", name="Summary")
    summary.fill("How cardiac rehab referrals work, for physicians weighing the program.")
    page.get_by_label("Cardiology", exact=True).check()
    page.get_by_label("Evaluation", exact=True).check()
    page.get_by_label("Referring physician", exact=True).check()
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Compliance review").click()
    page.wait_for_url(f"**/admin/pages/{organisation.library.pk}/")
    # The gate sent it straight back: an error that says so and what to change, not a
    # green "submitted".
    message = page.get_by_role("status").first.inner_text()
    assert "was not submitted" in message and FINDING in message
    assert "submitted for moderation" not in message

    # The editor says what to change and where, too.
    asset = EnablementAssetPage.objects.get()
    state = asset.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    page.goto(f"/admin/pages/{asset.pk}/edit/")
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="View details").click()
    dialog = page.get_by_role("dialog").filter(has_text="Terminology gate")
    dialog.get_by_text(FINDING).wait_for()
    assert "summary" in dialog.inner_text()
    dialog.get_by_role("button", name="Close").click()

    # The marketer fixes the wording and resubmits; now it waits for compliance.
    summary.fill("How cardiac rehabilitation referrals work, for physicians weighing the program.")
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=re.compile(r"^Resubmit")).click()
    page.wait_for_url(f"**/admin/pages/{organisation.library.pk}/")
    assert "submitted for moderation" in page.get_by_role("status").first.inner_text()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Compliance approval"
    assert (
        "cardiac rehabilitation referrals" in state.current_task_state.revision.content["summary"]
    )
