"""A compliance reviewer approves in the workspace, from the dashboard queue; nobody
approves their own work."""

import re

import pytest

from assets.models import EnablementAssetPage
from reviews.forms import CHECKLIST
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import PASSWORD
from tests.e2e.conftest import admin_login
from tests.reviews.factories import submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submitted_one_pager(organisation, *, author, title):
    asset = EnablementAssetFactory(
        title=title,
        owner=author,
        # Rich text written outside Draftail lacks block keys; the editor would add
        # them, and a reviewer whose save changes the content may not approve it.
        body=[("heading", {"text": "Why it matters", "level": "h2"})],
        service_lines=[organisation.cardiology],
        stages=[organisation.evaluation],
        segments=[organisation.physician],
    )
    asset.save_revision(user=author)
    submit(asset, user=author)
    return asset


def test_reviewer_approves_from_the_queue_and_the_approval_code_appears(
    page, organisation, marketer, reviewer
):
    asset = submitted_one_pager(organisation, author=marketer, title="Heart failure clinic access")
    admin_login(page, "compliance", PASSWORD)
    queue = page.locator("section").filter(has_text="Your review queue")
    queue.get_by_role("link", name="Review Heart failure clinic access").click()
    page.wait_for_url(f"**/admin/reviews/assets/enablementassetpage/{asset.pk}/")

    # The workspace: the item as reps will see it, and the checklist beside it.
    assert page.get_by_role("heading", name="What you are approving").is_visible()
    preview = page.frame_locator("iframe[name=rw-preview]")
    assert preview.get_by_role("heading", name="Heart failure clinic access").is_visible()
    assert page.get_by_role("heading", name="All of it is new").is_visible()
    assert (
        "no problems in this version"
        in page.get_by_role("region", name="Automatic checks").inner_text()
    )
    decision = page.get_by_role("complementary", name="Your decision")
    for _name, label in CHECKLIST:
        decision.get_by_label(label).check()
    assert "Approved for distribution to external audiences" in decision.inner_text()
    decision.get_by_label("Your password, to sign").fill(PASSWORD)
    decision.get_by_role("button", name="Sign and approve").click()
    page.wait_for_url("**/admin/")
    assert "Heart failure clinic access" not in queue.inner_text()

    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    assert asset.live and asset.approval_code.startswith("CARD-OP-")
    # The reviewer lands back on the queue, told the approval code.
    assert f"Approved and published: {asset.title} — {asset.approval_label}." in page.content()
    # The approval code is in the audit trail, beside the approval.
    page.goto("/admin/reports/review-audit-trail/")
    row = page.get_by_role("row").filter(has_text=asset.approval_code).first
    assert "Heart failure clinic access" in row.inner_text()


def test_someone_both_marketer_and_reviewer_cannot_approve_their_own_submission(
    page, organisation, dual_role_user
):
    asset = submitted_one_pager(organisation, author=dual_role_user, title="Own one-pager")
    admin_login(page, "dual", PASSWORD)
    queue = page.get_by_role("region", name="Your review queue")
    assert "Nothing is waiting for you." in queue.inner_text()
    assert "Own one-pager" not in queue.inner_text()

    page.goto(f"/admin/pages/{asset.pk}/edit/")
    page.locator("footer").get_by_role("button", name="More actions").click()
    footer = page.locator("footer")
    assert footer.get_by_role("button", name="Save draft").count() == 1
    assert footer.get_by_role("button", name=re.compile("Approve")).count() == 0


def test_a_re_review_shows_what_changed_and_the_draft_pdf(page, organisation, marketer, reviewer):
    from tests.reviews.factories import approve_now, edit

    asset = EnablementAssetFactory(
        title="Heart failure clinic access",
        owner=marketer,
        summary="Referred patients are seen within ten business days.",
        body=[("heading", {"text": "Why it matters", "level": "h2"})],
        service_lines=[organisation.cardiology],
        stages=[organisation.evaluation],
        segments=[organisation.physician],
    )
    approve_now(asset)
    edit(asset, user=marketer, summary="Referred patients are seen within five business days.")
    submit(asset, user=marketer)

    admin_login(page, "compliance", PASSWORD)
    page.goto(f"/admin/reviews/assets/enablementassetpage/{asset.pk}/")
    assert page.get_by_role("heading", name="What changed since the last approval").is_visible()
    redline = page.locator("#redline")
    assert redline.locator("del").first.inner_text() == "ten"
    assert redline.locator("ins").first.inner_text() == "five"

    with page.expect_response(lambda response: "mode=pdf" in response.url) as pdf:
        page.get_by_role("link", name="PDF (draft)").click()
    assert pdf.value.status == 200
    assert pdf.value.headers["content-type"] == "application/pdf"
