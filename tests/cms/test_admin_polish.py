"""The admin reads like a product: status tags, the messages' words, readable times and
exports, review routes that explain themselves."""

import csv
import io
import re

from django.urls import reverse

from wagtail.models import Workflow

import pytest

from reviews.models import ReviewRoute
from reviews.services import assign_default_workflows
from tests.reviews.factories import approve, draft_message, submit

pytestmark = pytest.mark.django_db


def test_listings_show_status_tags_and_the_messages_words(client, marketer, reviewer):
    draft_message(author=marketer, title="Rehab access")
    client.force_login(marketer)
    html = client.get(reverse("wagtailsnippets_cms_approvedmessage:list")).content.decode()
    assert "Most referred patients start cardiac rehabilitation" in html  # the wording
    assert not re.search(r">\s*(True|False)\s*<", html)
    assert "w-status" in html and "draft" in html.lower()
    for name in (
        "wagtailsnippets_assets_objection:list",
        "wagtailsnippets_glossary_glossaryterm:list",
    ):
        listing = client.get(reverse(name)).content.decode()
        assert not re.search(r">\s*(True|False)\s*<", listing), name


def test_audit_exports_write_times_as_iso_8601(client, home_page, marketer, reviewer):
    assign_default_workflows()
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse("reviews_audit_trail") + "?export=csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert rows
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row["When (UTC)"]), row


def test_review_routes_offer_active_workflows_and_explain_a_duplicate(client, admin_user):
    assign_default_workflows()
    retired = Workflow.objects.create(name="Retired workflow", active=False)
    client.force_login(admin_user)
    form = client.get(reverse("review_routes:add")).content.decode()
    assert "Retired workflow" not in form
    existing = ReviewRoute.objects.get(content_type=None, audience="public")
    response = client.post(
        reverse("review_routes:add"),
        {"content_type": "", "audience": "public", "workflow": existing.workflow_id},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is already a route for every content type with this audience" in html
    assert "reviews_route_unique" not in html
    assert ReviewRoute.objects.filter(audience="public", content_type=None).count() == 1
    assert retired.review_routes.count() == 0


def test_a_route_whose_workflow_was_disabled_says_it_is_skipped(client, admin_user):
    from django.contrib.contenttypes.models import ContentType

    from assets.models import Objection

    assign_default_workflows()
    workflow = Workflow.objects.create(name="Objection review", active=True)
    ReviewRoute.objects.create(
        content_type=ContentType.objects.get_for_model(Objection),
        audience="internal",
        workflow=workflow,
    )
    workflow.active = False
    workflow.save()
    client.force_login(admin_user)
    html = client.get(reverse("review_routes:index")).content.decode()
    assert "No: its workflow is disabled, so this route is skipped" in html
