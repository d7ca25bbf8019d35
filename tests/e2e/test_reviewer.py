"""Compliance and clinical reviewers approve in the workspace, each from their
dashboard queue and with their own checklist; the rep then finds the item; nobody
approves their own work; a re-review shows what changed and the draft PDF."""

import re

import pytest

from assets.models import EnablementAssetPage
from cms import roles
from reviews.forms import CHECKLISTS
from reviews.models import ApprovalRecord
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import PASSWORD, UserFactory
from tests.e2e.conftest import admin_login, login
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


def sign(page, checklist):
    """Tick the group's checklist in the workspace, enter the password and sign."""
    decision = page.get_by_role("complementary", name="Your decision")
    for _name, label in checklist:
        decision.get_by_label(label).check()
    assert "Approved for distribution to external audiences" in decision.inner_text()
    decision.get_by_label("Your password, to sign").fill(PASSWORD)
    decision.get_by_role("button", name="Sign and approve").click()
    page.wait_for_url("**/admin/")


def test_compliance_and_clinical_approve_in_parallel_and_the_rep_sees_it(
    page, organisation, marketer, reviewer, rep
):
    UserFactory(username="clinical", groups=[roles.CLINICAL])
    asset = submitted_one_pager(organisation, author=marketer, title="Heart failure clinic access")
    admin_login(page, "compliance", PASSWORD)
    queue = page.locator("section").filter(has_text="Your review queue")
    # External material: compliance and clinical review it side by side.
    assert "Clinical reviewers" in queue.inner_text()
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
    assert (
        "You review for Compliance reviewers"
        in page.get_by_role("complementary", name="Your decision").inner_text()
    )
    sign(page, CHECKLISTS[roles.COMPLIANCE])
    assert "Heart failure clinic access" not in queue.inner_text()
    assert "It is waiting for Clinical reviewers." in page.content()
    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    assert not asset.live  # one group of two

    # The clinical reviewer sees compliance's approval, the draft PDF, and signs.
    page.context.clear_cookies()
    admin_login(page, "clinical", PASSWORD)
    queue = page.locator("section").filter(has_text="Your review queue")
    assert f"Approved by {reviewer}" in queue.inner_text()
    queue.get_by_role("link", name="Review Heart failure clinic access").click()
    page.wait_for_url(f"**/admin/reviews/assets/enablementassetpage/{asset.pk}/")
    with page.expect_response(lambda response: "mode=pdf" in response.url) as pdf:
        page.get_by_role("link", name="PDF (draft)").click()
    assert pdf.value.status == 200
    assert pdf.value.headers["content-type"] == "application/pdf"
    sign(page, CHECKLISTS[roles.CLINICAL])

    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    assert asset.live and asset.approval_code.startswith("CARD-OP-")
    # The reviewer who completed it lands back on the queue, told the approval code.
    assert f"Approved and published: {asset.title} — {asset.approval_label}." in page.content()
    approvers = ApprovalRecord.objects.for_object(asset).get().approvers.all()
    assert {user.username for user in approvers} == {"compliance", "clinical"}

    # The approval code is in the audit trail, beside the approval.
    page.context.clear_cookies()
    admin_login(page, "compliance", PASSWORD)
    page.goto("/admin/reports/review-audit-trail/")
    row = page.get_by_role("row").filter(has_text=asset.approval_code).first
    assert "Heart failure clinic access" in row.inner_text()

    # The rep finds it in the library, with its approval code.
    page.context.clear_cookies()
    login(page, "rep", PASSWORD)
    page.goto("/library/?q=Heart+failure+clinic")
    page.get_by_role("link", name="Heart failure clinic access").first.click()
    assert asset.approval_code in page.content()


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
