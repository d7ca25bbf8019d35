"""The reviewer's workspace: what is under review, rendered; what changed since the last
approval; the checks; the decision, with every rule of the review task."""

from django.urls import reverse

from wagtail.log_actions import LogContext
from wagtail.models import WorkflowState

import pytest

from cms import roles
from cms.models import ApprovedMessage
from reviews.models import ApprovalVote, ReviewEvent
from reviews.workspace import workspace_url
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import UserFactory
from tests.reviews.factories import (
    approval_form,
    approve,
    approve_other_groups,
    draft_message,
    edit,
    public_page,
    submit,
)

pytestmark = pytest.mark.django_db

SEVEN = "Most referred patients start cardiac rehabilitation within seven days."


@pytest.fixture
def waiting(marketer):
    message = draft_message(author=marketer, title="Rehab access")
    submit(message, user=marketer)
    return message


@pytest.fixture
def reapproval(marketer, reviewer):
    """An approved message, edited (ten days → seven days) and submitted again."""
    message = draft_message(author=marketer, title="Rehab access")
    submit(message, user=marketer)
    approve(message, user=reviewer)
    message = ApprovedMessage.objects.get(pk=message.pk)
    assert message.live and message.approval_code
    edit(message, user=marketer, text=SEVEN)
    submit(message, user=marketer)
    return message


def preview_url(obj, mode=""):
    url = reverse(
        "reviews_workspace_preview", args=[obj._meta.app_label, obj._meta.model_name, obj.pk]
    )
    return f"{url}?mode={mode}" if mode else url


def test_a_reviewer_sees_the_snippet_under_review_rendered(client, reviewer, waiting):
    client.force_login(reviewer)
    response = client.get(workspace_url(waiting))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What you are approving" in html
    assert preview_url(waiting) in html
    assert "Every claim has a source" in html  # the checklist, beside the document
    preview = client.get(preview_url(waiting))
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "start cardiac rehabilitation within ten days" in preview.content.decode()


def test_a_reviewer_sees_the_page_under_review_rendered(client, reviewer, marketer):
    page = public_page(author=marketer, title="Cardiology")
    submit(page, user=marketer)
    client.force_login(reviewer)
    assert client.get(workspace_url(page)).status_code == 200
    preview = client.get(preview_url(page))
    assert preview.status_code == 200
    assert "Heart care close to home" in preview.content.decode()


def test_a_library_item_can_be_read_as_its_draft_pdf(client, reviewer, marketer):
    item = EnablementAssetFactory(title="Heart failure clinic", approved=True)
    edit(item, user=marketer, summary="Seen within a week, with a nurse call in two days.")
    submit(item, user=marketer)
    client.force_login(reviewer)
    html = client.get(workspace_url(item)).content.decode()
    assert "PDF (draft)" in html
    pdf = client.get(preview_url(item, "pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_redline_marks_what_changed_since_the_last_approval(client, reviewer, reapproval):
    client.force_login(reviewer)
    html = client.get(workspace_url(reapproval)).content.decode()
    assert "What changed since the last approval" in html
    assert "<del>ten</del>" in html
    assert "<ins>seven</ins>" in html
    assert "<strong>1</strong> word added, <strong>1</strong> removed" in html


def test_a_first_approval_shows_everything_as_new(client, reviewer, waiting):
    client.force_login(reviewer)
    html = client.get(workspace_url(waiting)).content.decode()
    assert "All of it is new" in html
    assert "<ins>" in html and "<del>" not in html


@pytest.mark.parametrize("who", ["marketer", "rep", "outsider", "admin_only"])
def test_people_without_the_review_task_get_403(client, waiting, marketer, rep, who):
    users = {
        "marketer": marketer,  # the author
        "rep": rep,
        "outsider": UserFactory(username="legal", groups=[roles.MARKETERS]),
        "admin_only": UserFactory(username="staff", is_staff=True),
    }
    client.force_login(users[who])
    assert client.get(workspace_url(waiting)).status_code in (302, 403)
    assert client.get(preview_url(waiting)).status_code in (302, 403)
    post = client.post(workspace_url(waiting), {"action": "approve", **approval_form()})
    assert post.status_code in (302, 403)
    assert not ApprovalVote.objects.exists()


def test_nothing_waiting_is_403_and_unknown_objects_404(client, reviewer, marketer):
    client.force_login(reviewer)
    draft = draft_message(author=marketer, title="Never submitted")
    assert client.get(workspace_url(draft)).status_code == 403
    assert client.get(preview_url(draft)).status_code == 403
    bad = [
        "/admin/reviews/cms/approvedmessage/999999/",
        "/admin/reviews/cms/servicelien/1/",
        "/admin/reviews/cms/serviceline/1/",  # not reviewed content
        "/admin/reviews/cms/approvedmessage/%27%3B--/",
        # Out of any database's integer range, other spellings of a number.
        "/admin/reviews/cms/servicelinepage/99999999999999999999999/",
        "/admin/reviews/cms/servicelinepage/9223372036854775808/",
        "/admin/reviews/cms/servicelinepage/99999999999999999999999/preview/?mode=pdf",
        "/admin/reviews/assets/enablementassetpage/99999999999999999999999/",
        "/admin/reviews/cms/approvedmessage/%2B1/",
        "/admin/reviews/cms/approvedmessage/%EF%BC%91/",  # a full-width 1
    ]
    for url in bad:
        assert client.get(url).status_code == 404, url


def test_approving_from_the_workspace_publishes_it(client, reviewer, waiting):
    approve_other_groups(waiting, besides=reviewer)  # clinical review, in parallel
    client.force_login(reviewer)
    response = client.post(workspace_url(waiting), {"action": "approve", **approval_form("OK")})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    message = ApprovedMessage.objects.get(pk=waiting.pk)
    assert message.live and message.approval_code
    vote = ApprovalVote.objects.get(user=reviewer)
    assert vote.comment == "OK" and all(vote.checklist.values())


def test_an_unticked_checklist_is_a_400_and_records_nothing(client, reviewer, waiting):
    client.force_login(reviewer)
    data = {**approval_form(), "action": "approve"}
    del data["no_patient_details"]
    response = client.post(workspace_url(waiting), data)
    assert response.status_code == 400
    assert "Tick this to confirm it, or request changes." in response.content.decode()
    assert not ApprovalVote.objects.exists()
    assert not ApprovedMessage.objects.get(pk=waiting.pk).live


def test_requesting_changes_sends_it_back_with_the_comment(client, reviewer, waiting):
    client.force_login(reviewer)
    empty = client.post(workspace_url(waiting), {"action": "reject", "comment": "  "})
    assert empty.status_code == 400
    assert "Say what needs to change" in empty.content.decode()
    response = client.post(
        workspace_url(waiting), {"action": "reject", "comment": "Cite the registry."}
    )
    assert response.status_code == 302
    state = ApprovedMessage.objects.get(pk=waiting.pk).current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    # The author is told which group asked (messages need compliance and clinical).
    assert state.current_task_state.comment == "Compliance reviewers: Cite the registry."


def test_an_author_who_is_also_a_reviewer_sees_why_they_cannot_decide(client, dual_role_user):
    own = draft_message(author=dual_role_user, title="Own work")
    submit(own, user=dual_role_user)
    client.force_login(dual_role_user)
    html = client.get(workspace_url(own)).content.decode()
    assert 'value="approve"' not in html
    assert "submitted" in html or "edited" in html or "authored" in html
    post = client.post(workspace_url(own), {"action": "approve", **approval_form()})
    assert post.status_code == 403
    assert not ApprovalVote.objects.exists()


def test_the_gate_is_credited_to_concord_not_to_the_author_who_submitted(marketer):
    message = draft_message(author=marketer, title="Rehab access")
    with LogContext(user=marketer):  # as in the edit view's request
        submit(message, user=marketer)
    gate = ReviewEvent.objects.get(
        object_id=str(message.pk), action=ReviewEvent.Action.APPROVE, task_name="Terminology gate"
    )
    assert gate.user is None
    assert gate.user_display == "Concord (automatic)"
    submitted = ReviewEvent.objects.get(object_id=str(message.pk), action=ReviewEvent.Action.SUBMIT)
    assert submitted.user == marketer


def test_only_get_and_post_are_answered(client, reviewer, waiting):
    client.force_login(reviewer)
    for method in ("put", "patch", "delete", "options"):
        assert getattr(client, method)(workspace_url(waiting)).status_code == 405, method
        assert getattr(client, method)(preview_url(waiting)).status_code == 405, method
    assert client.post(preview_url(waiting)).status_code == 405


def test_the_workspace_shows_the_review_history(client, reviewer, reapproval):
    client.force_login(reviewer)
    html = client.get(workspace_url(reapproval)).content.decode()
    assert '<h2 id="rw-history">History</h2>' in html
    history = html.split('id="rw-history"')[1]
    assert "Submitted" in history and "Approval recorded" in history
    assert "Concord (automatic)" in history  # the gate's decisions
    assert str(reviewer) in history  # the earlier approval
