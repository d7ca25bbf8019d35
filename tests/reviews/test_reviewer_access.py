"""Reviewers open Wagtail's own preview, compare and history for what is in their
queue — pages and every snippet type — and nobody else gains anything."""

import json
from html.parser import HTMLParser

from django.contrib.admin.utils import quote
from django.urls import reverse

from wagtail.fields import StreamField
from wagtail.models import Page

import pytest

from cms import roles
from cms.reviewable import specific
from tests.reviews.factories import approve, edit, make_reviewer, submit
from tests.reviews.test_every_type import CASES

pytestmark = pytest.mark.django_db

# What the marketer changes in each type before submitting it again.
CHANGES = {
    "approved message": {
        "text": "Most referred patients start cardiac rehabilitation within seven days."
    },
    "glossary term": {
        "definition": "Our clinic for heart failure, with a first visit in seven days."
    },
    "objection": {"approved_response": "New referrals are seen within seven business days."},
    "enablement asset": {"summary": "What the clinic does; new referrals seen in seven days."},
    "talk track": {"summary": "How to open the call; new referrals seen in seven days."},
    "service line page": {"intro": "Heart care close to home, first visit within seven days."},
}


class _EditForm(HTMLParser):
    """The fields of the editor's form as the browser would send them."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and not name.startswith("action-"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.data.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None


def edit_form_data(client, obj):
    """What the editor's preview panel posts: the edit form, as the reviewer sees it."""
    if isinstance(obj, Page):
        url = reverse("wagtailadmin_pages:edit", args=[obj.pk])
    else:
        url = reverse(
            f"wagtailsnippets_{obj._meta.app_label}_{obj._meta.model_name}:edit",
            args=[quote(obj.pk)],
        )
    response = client.get(url)
    assert response.status_code == 200
    parser = _EditForm()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    # StreamFields are built by the editor's script; an empty stream stands in for them
    # here (the words checked are in plain fields).
    for field in type(obj)._meta.get_fields():
        if isinstance(field, StreamField):
            data.setdefault(f"{field.name}-count", ["0"])
    return data


def urls(obj):
    """Wagtail's preview, compare-with-live, compare-with-previous and history URLs."""
    obj = specific(obj)
    latest = obj.latest_revision
    previous = obj.revisions.exclude(pk=latest.pk).order_by("-created_at", "-pk").first()
    if isinstance(obj, Page):
        name, key = "wagtailadmin_pages", obj.pk
    else:
        name = f"wagtailsnippets_{obj._meta.app_label}_{obj._meta.model_name}"
        key = quote(obj.pk)
    return {
        "preview": reverse(f"{name}:preview_on_edit", args=[key]),
        "compare with live": reverse(f"{name}:revisions_compare", args=[key, "live", latest.pk]),
        "compare with previous": reverse(
            f"{name}:revisions_compare", args=[key, previous.pk, latest.pk]
        ),
        "history": reverse(f"{name}:history", args=[key]),
    }


@pytest.fixture(params=CASES, ids=[case[0] for case in CASES])
def in_review(request, marketer, reviewer):
    """An approved item of each type, changed by the marketer and submitted again."""
    label, make, _kind, _workflow = request.param
    obj = make(marketer)
    submit(obj, user=marketer)
    approve(obj, user=reviewer)
    obj = type(obj).objects.get(pk=obj.pk)
    assert obj.live
    edit(obj, user=marketer, **CHANGES[label])
    submit(obj, user=marketer)
    return label, specific(type(obj).objects.get(pk=obj.pk))


def test_a_reviewer_opens_wagtails_preview_compare_and_history(client, in_review, second_reviewer):
    label, obj = in_review
    new_words = next(iter(CHANGES[label].values()))
    client.force_login(second_reviewer)
    pages = {name: client.get(url) for name, url in urls(obj).items()}
    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        pages, 200
    )
    # The compare views show the change.
    for name in ("compare with live", "compare with previous"):
        assert "seven" in pages[name].content.decode(), name
    assert "Next step" in pages["history"].content.decode()  # the workflow's steps
    # The editor's preview panel posts the form, then shows the preview.
    preview = urls(obj)["preview"]
    posted = client.post(preview, edit_form_data(client, obj))
    assert posted.status_code == 200
    assert json.loads(posted.content)["is_valid"], posted.content
    assert new_words in client.get(preview).content.decode()


def refused(response):
    """Wagtail's answer to someone without permission: a redirect or a 403."""
    return response.status_code in (302, 403)


def test_someone_who_does_not_review_it_gets_wagtails_answer(client, in_review, rep):
    label, obj = in_review
    legal = make_reviewer("legal", roles.LEGAL)  # no route here requires legal review
    for user in (legal, rep):
        client.force_login(user)
        for name, url in urls(obj).items():
            assert refused(client.get(url)), (label, user.username, name)


def test_a_reviewer_gets_wagtails_answer_when_nothing_is_waiting(
    client, in_review, reviewer, second_reviewer
):
    label, obj = in_review
    obj.current_workflow_state.cancel(user=obj.owner if isinstance(obj, Page) else None)
    client.force_login(second_reviewer)
    for name, url in urls(obj).items():
        assert refused(client.get(url)), (label, name)


def test_the_author_still_uses_compare_and_history_as_before(client, in_review, marketer):
    label, obj = in_review
    client.force_login(marketer)  # a marketer may edit every type: Wagtail lets them in
    for name, url in urls(obj).items():
        if name != "preview":
            assert client.get(url).status_code == 200, (label, name)
