"""Nobody publishes reviewable content directly: no Publish button, crafted POSTs refused."""

from django.urls import reverse

import pytest

from cms.models import ApprovedMessage, ServiceLinePage
from tests.reviews.factories import current_task, draft_message, public_page, submit

pytestmark = pytest.mark.django_db

PUBLISH_BUTTON = 'name="action-publish"'


def message_form(message, **extra):
    return {
        "title": message.title,
        "kind": message.kind,
        "text": "Published without review",
        "source": "",
        "service_lines": [message.service_lines.first().pk],
        **extra,
    }


@pytest.fixture(params=["marketer", "reviewer", "dual_role_user", "admin_user"])
def anyone(request):
    return request.getfixturevalue(request.param)


def test_no_publish_button_and_a_crafted_publish_post_is_refused_for_snippets(
    client, marketer, anyone
):
    message = draft_message(author=marketer)
    client.force_login(anyone)
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    if anyone.is_superuser or anyone.groups.filter(name="Marketers").exists():
        assert PUBLISH_BUTTON not in client.get(url).content.decode()
    client.post(url, message_form(message, **{"action-publish": "action-publish"}))
    message.refresh_from_db()
    assert not message.live
    assert not ApprovedMessage.objects.filter(text="Published without review", live=True).exists()


def test_reviewers_in_the_editor_during_review_see_no_publish_button_either(
    client, marketer, reviewer
):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    client.force_login(reviewer)
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    html = client.get(url).content.decode()
    assert PUBLISH_BUTTON not in html
    assert 'data-workflow-action-name="approve"' in html  # they review from here
    client.post(url, message_form(message, **{"action-publish": "action-publish"}))
    message.refresh_from_db()
    assert not message.live


def test_no_publish_button_and_a_crafted_publish_post_is_refused_for_pages(
    client, marketer, anyone
):
    page = public_page(author=marketer)
    client.force_login(anyone)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    if response.status_code == 200:
        assert PUBLISH_BUTTON not in response.content.decode()
    client.post(
        url,
        {
            "title": "Published without review",
            "slug": page.slug,
            "service_line": page.service_line_id,
            "intro": page.intro,
            "body-count": "0",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )
    page.refresh_from_db()
    assert not page.live
    assert not ServiceLinePage.objects.live().exists()


def test_the_author_cannot_post_approve_to_the_page_workflow_url(client, marketer):
    page = public_page(author=marketer)
    submit(page, user=marketer)
    _task, task_state = current_task(page)
    client.force_login(marketer)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {
            "claims_sourced": "on",
            "no_patient_details": "on",
            "plain_language": "on",
            "disclaimers_present": "on",
        },
    )
    page.refresh_from_db()
    assert not page.live


def test_bulk_publish_is_refused(client, admin_user, marketer):
    page = public_page(author=marketer)
    client.force_login(admin_user)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={page.pk}"
    client.post(url, {"include_descendants": ""})
    page.refresh_from_db()
    assert not page.live


def test_public_pages_can_be_commented_on(client, marketer, reviewer):
    page = public_page(author=marketer)
    submit(page, user=marketer)
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    # Wagtail's commenting UI is on for the page (reviewers annotate fields in place).
    assert "comments-data" in html
    assert "comment_notifications" in html
