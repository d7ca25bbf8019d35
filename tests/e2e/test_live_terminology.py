"""A marketer types a disallowed variant and fixes it from the note beside the field."""

import pytest

from tests.cms.factories import PASSWORD
from tests.e2e.conftest import admin_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_variant_is_flagged_beside_the_field_while_typing_and_replaced(
    page, organisation, marketer
):
    requests = []
    page.on(
        "request", lambda request: requests.append(request) if "live-check" in request.url else None
    )
    admin_login(page, "marketer", PASSWORD)
    page.goto(f"/admin/pages/add/assets/enablementassetpage/{organisation.library.pk}/")
    page.get_by_label("Cardiology", exact=True).check()
    summary = page.get_by_role("textbox", name="Summary")
    summary.click()
    summary.press_sequentially("Join our heart rehab classes this spring.", delay=20)

    # Flagged beside the field, the words highlighted, and at the top of the form.
    note = page.locator(".concord-live-terms__inline")
    note.get_by_text("“heart rehab” → use “cardiac rehabilitation”").wait_for()
    assert note.locator("mark").inner_text() == "heart rehab"
    top = page.get_by_role("region", name="Terminology, checked as you type")
    assert "1 wording to change" in top.get_by_role("status").inner_text()
    assert "Summary" in top.inner_text()
    # Debounced: one check for the whole sentence, not one per keystroke (41 of them).
    assert len(requests) <= 4

    note.get_by_role("button", name="Replace with “cardiac rehabilitation”").click()
    assert summary.input_value() == "Join our cardiac rehabilitation classes this spring."
    top.get_by_text("No wording to change").wait_for()
    assert page.locator(".concord-live-terms__inline").count() == 0
