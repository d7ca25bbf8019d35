"""The live check: findings of the unsaved edit form, as the editor asks for them."""

from django.core.cache import cache
from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from cms.models import ApprovedMessage, ServiceLinePage
from glossary import live
from tests.glossary.factories import MessageFactory

URL = reverse("glossary_admin:live_check")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def marketer_client(client, marketer):
    client.force_login(marketer)
    return client


def message_form(message, **changes):
    data = {
        "title": message.title,
        "kind": message.kind,
        "text": message.text,
        "source": message.source,
        "service_lines": [line.pk for line in message.service_lines.all()],
        **changes,
    }
    return data


def check(client, target, data):
    return client.post(f"{URL}?for={target}", data)


def edit_url(message):
    return reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])


def test_findings_of_the_unsaved_form_not_of_the_stored_version(
    marketer_client, cardiology, rehab_term
):
    message = MessageFactory(
        title="Access", text="Seen within five days.", service_lines=[cardiology]
    )
    revisions = message.revisions.count()
    text = "Start cardiac rehab within five days."
    response = check(marketer_client, edit_url(message), message_form(message, text=text))
    assert response.status_code == 200
    [finding] = response.json()["findings"]
    assert finding == {
        "path": "text",
        "location": "Text",
        "input": "text",
        "found": "cardiac rehab",
        "preferred": "Cardiac Rehabilitation Program",
        "replacement": "Cardiac Rehabilitation Program",
        "context": "Start cardiac rehab within five days.",
        "line": 1,
        "column": 7,
        "replace": {"start": 6, "end": 19},
    }
    # Nothing was saved: the check reads the form, it doesn't store it.
    message.refresh_from_db()
    assert message.text == "Seen within five days." and message.revisions.count() == revisions


def test_replace_offsets_count_utf16_units_like_the_browser(
    marketer_client, cardiology, rehab_term
):
    message = MessageFactory(title="Access", text="x", service_lines=[cardiology])
    text = "💓 Heart rehab: cardiac rehabs"
    findings = check(marketer_client, edit_url(message), message_form(message, text=text)).json()[
        "findings"
    ]
    assert [(f["found"], f["replacement"], f["replace"]) for f in findings] == [
        ("Heart rehab", "Cardiac Rehabilitation Program", {"start": 3, "end": 14}),
        ("cardiac rehabs", "Cardiac Rehabilitation Programs", {"start": 16, "end": 30}),
    ]


def test_the_service_lines_of_the_form_decide_which_terms_apply(
    marketer_client, cardiology, orthopedics, rehab_term
):
    message = MessageFactory(title="Access", text="x", service_lines=[orthopedics])
    data = message_form(message, text="cardiac rehab")
    assert check(marketer_client, edit_url(message), data).json()["count"] == 0
    data["service_lines"] = [cardiology.pk]
    assert check(marketer_client, edit_url(message), data).json()["count"] == 1


def test_a_new_snippet_and_a_form_that_does_not_validate_yet(
    marketer_client, cardiology, rehab_term
):
    target = reverse("wagtailsnippets_cms_approvedmessage:add")
    data = {
        "title": "",
        "kind": "key_message",
        "text": "Heart rehab.",
        "service_lines": [cardiology.pk],
    }
    findings = check(marketer_client, target, data).json()["findings"]
    assert [f["found"] for f in findings] == ["Heart rehab"]
    assert not ApprovedMessage.objects.exists()


@pytest.fixture
def landing_page(home_page, cardiology):
    page = ServiceLinePage(
        title="Heart care", slug="heart-care", service_line=cardiology, intro="Care."
    )
    home_page.add_child(instance=page)
    page.save_revision()
    return page


def page_form(page, **changes):
    body = changes.pop("body", [])
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "service_line": page.service_line_id,
            "intro": page.intro,
            "seo_title": "",
            "search_description": "",
            "body": streamfield(body),
            **changes,
        }
    )


def test_stream_blocks_and_the_search_description_of_a_page(admin_client, landing_page, rehab_term):
    data = page_form(
        landing_page,
        search_description="Our heart rehab page.",
        body=[
            ("heading", {"text": "Why patients choose us", "level": "h2"}),
            ("heading", {"text": "About cardiac rehab", "level": "h2"}),
            ("paragraph", rich_text("<p>Cardiac rehab, week by week.</p>")),
        ],
    )
    target = reverse("wagtailadmin_pages:edit", args=[landing_page.pk])
    response = check(admin_client, target, data)
    assert response.status_code == 200, response.content
    findings = {f["location"]: f for f in response.json()["findings"]}
    assert set(findings) == {"Meta description", "Body › Heading 2 › Text", "Body › Paragraph 1"}
    heading = findings["Body › Heading 2 › Text"]
    assert heading["input"] == "body-1-value-text"
    assert heading["replace"] == {"start": 6, "end": 19}
    # Rich text: its input holds the editor's own format, so no offsets to replace at.
    assert findings["Body › Paragraph 1"]["replace"] is None
    assert findings["Meta description"]["input"] == "search_description"


def test_image_alt_text_is_copy(home_page, cardiology, rehab_term):
    import json

    from glossary.checking import check_object

    alt = {"image": None, "alt_text": "A cardiac rehab class", "decorative": False}
    page = ServiceLinePage(title="Heart care", slug="heart-care", service_line=cardiology)
    page.body = json.dumps([{"type": "image", "id": "a", "value": alt}])
    findings = check_object(page)
    assert [(f.path, f.found) for f in findings] == [("body[0].image.alt_text", "cardiac rehab")]
    assert live.location("body[0].image.alt_text", page) == "Body › Image 1 › Alt text"


def test_the_input_of_a_stream_block_follows_the_editor_order_not_the_index():
    data = {
        "body-count": "3",
        "body-0-type": "heading",
        "body-0-order": "2",
        "body-0-deleted": "",
        "body-0-value-text": "third",
        "body-1-type": "heading",
        "body-1-order": "0",
        "body-1-deleted": "1",
        "body-1-value-text": "deleted",
        "body-2-type": "heading",
        "body-2-order": "1",
        "body-2-deleted": "",
        "body-2-value-text": "first",
    }
    assert live.input_for("body[0].heading.text", data) == "body-2-value-text"
    assert live.input_for("body[1].heading.text", data) == "body-0-value-text"
    assert live.input_for("body[2].heading.text", data) is None
    assert live.input_for("summary", {"summary": "x"}) == "summary"


# Who may ask, and how often


def test_a_rep_cannot_use_it(client, rep, cardiology):
    message = MessageFactory(title="Access", text="x", service_lines=[cardiology])
    client.force_login(rep)
    response = check(client, edit_url(message), message_form(message))
    assert response.status_code in (302, 403)
    assert b"findings" not in response.content


def test_only_someone_who_may_edit_the_object(client, reviewer, cardiology):
    message = MessageFactory(title="Access", text="x", service_lines=[cardiology])
    client.force_login(reviewer)
    allowed = reviewer.has_perm("cms.change_approvedmessage")
    status = check(client, edit_url(message), message_form(message)).status_code
    assert status == (200 if allowed else 403)


@pytest.mark.parametrize(
    "target",
    [
        "",
        "/library/",
        "/admin/",
        "/admin/pages/99999/edit/",
        "/admin/snippets/cms/approvedmessage/edit/99999/",
    ],
)
def test_a_target_that_is_not_an_edit_view_is_a_404(marketer_client, target):
    response = check(marketer_client, target, {})
    assert response.status_code == 404 and "error" in response.json()


def test_get_is_not_allowed(marketer_client):
    assert marketer_client.get(URL).status_code == 405


def test_requests_are_rate_limited_per_user(
    client, marketer, admin_user, monkeypatch, cardiology, rehab_term
):
    monkeypatch.setattr(live, "RATE_LIMIT", 3)
    message = MessageFactory(title="Access", text="x", service_lines=[cardiology])
    data = message_form(message)
    client.force_login(marketer)
    statuses = [check(client, edit_url(message), data).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = check(client, edit_url(message), data)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # Per user: someone else is still answered.
    client.force_login(admin_user)
    assert check(client, edit_url(message), data).status_code == 200
