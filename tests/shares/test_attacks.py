"""Routes an outside tester found around the share links' promises; each stays closed.

Each test is one route: wording that dodges the glossary, a PDF that names internal
files, links back into Concord that survive, staff who may not manage shares, an API
answer that tells hidden from missing, malformed JSON, unsafe methods on a buyer's
link, and an item made private after it was shared.
"""

import json

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client

from wagtail.documents.models import Document
from wagtail.models import Collection, PageViewRestriction

import pytest

from cms import roles
from shares.services import ShareRefused
from tests.assets.factories import EnablementAssetFactory, attach
from tests.cms.factories import UserFactory
from tests.glossary.factories import GlossaryTermFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db
API = "/api/v1/shares/"


def post_json(client, data):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(API, body, content_type="application/json")


class TestWordingThatDodgesTheGlossary:
    @pytest.fixture(autouse=True)
    def term(self, db):
        GlossaryTermFactory(preferred="health plan", variants="insurance company", approved=True)

    @pytest.mark.parametrize(
        "note",
        [
            "Ask your insur\u2063ance company first.",  # invisible separator
            "Ask your insur\u2061ance company first.",  # function application
            "Ask your insur\u034fance company first.",  # combining grapheme joiner
            "Ask your insur\ufe0fance company first.",  # variation selector
            "Ask your insur\U000e0061ance company first.",  # tag character
            "Ask your insur\u180eance company first.",  # Mongolian vowel separator
            "Ask your insur\u061cance company first.",  # Arabic letter mark (bidi)
            "Ask your insur\u0430nce company first.",  # Cyrillic а among Latin letters
            "Ask your ｉｎｓｕｒａｎｃｅ ｃｏｍｐａｎｙ first.",  # fullwidth
        ],
    )
    def test_is_refused(self, one_pager, make_share, note):
        with pytest.raises(ShareRefused) as refused:
            make_share(one_pager, note=note)
        assert "note" in refused.value.fields

    @pytest.mark.parametrize("blank", ["\u2063", "\u3164", "\u115f", "\ufeff", " \u200b "])
    def test_invisible_characters_are_not_a_name(self, one_pager, make_share, blank):
        with pytest.raises(ShareRefused) as refused:
            make_share(one_pager, recipient=blank, organisation=blank)
        assert {"recipient", "organisation"} <= set(refused.value.fields)

    def test_real_names_in_other_alphabets_and_accents_are_welcome(self, one_pager, make_share):
        share = make_share(
            one_pager, recipient="Dr. Zoë Ångström-Łukasz", organisation="Клиника Здоровье"
        )
        assert share.recipient == "Dr. Zoë Ångström-Łukasz"


def test_the_buyers_pdf_never_lists_the_items_files(
    one_pager, make_share, library, cardiology, stub_pdf_renderer
):
    faq = EnablementAssetFactory(
        title="Heart Failure Clinic FAQ", kind="faq", service_lines=[cardiology]
    )
    document = Document.objects.create(
        title="INTERNAL Q3 pricing sheet",
        file=ContentFile(b"%PDF-1.4 x", name="pricing.pdf"),
        collection=Collection.get_first_root_node(),
    )
    attach(faq, document, label="INTERNAL Q3 pricing sheet")
    approve_now(faq)
    share = make_share(faq)
    Client().get(f"/s/{share.token}/pdf/")
    (html,) = stub_pdf_renderer
    assert "INTERNAL Q3 pricing sheet" not in html
    assert "Concord library" not in html


@pytest.mark.parametrize(
    "href",
    [
        "http://[::1]/library/other-item/",
        "http://localhost./library/other-item/",
        "https://www.concord.example.org/library/other-item/",
        "https://concord.example.org./admin/",
        "//testserver/library/other-item/",
        "HTTP://TESTSERVER/documents/1/x.pdf",
    ],
)
def test_links_back_into_concord_lose_their_link(one_pager, make_share, settings, href):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "[::1]", ".concord.example.org"]
    one_pager.body = [("paragraph", f'<p>See <a href="{href}">the other item</a>.</p>')]
    approve_now(one_pager)
    html = Client().get(f"/s/{make_share(one_pager).token}/").content.decode()
    assert "the other item" in html
    assert href not in html and "/library/other-item/" not in html


def test_links_to_other_sites_keep_working(one_pager, make_share):
    one_pager.body = [("paragraph", '<p><a href="https://www.heart.org/en/">AHA</a></p>')]
    approve_now(one_pager)
    html = Client().get(f"/s/{make_share(one_pager).token}/").content.decode()
    assert 'href="https://www.heart.org/en/"' in html


@pytest.mark.parametrize("role", [roles.CLINICAL, roles.LEGAL])
def test_clinical_and_legal_reviewers_do_not_manage_shares(one_pager, make_share, role):
    share = make_share(one_pager)
    client = Client()
    client.force_login(UserFactory(username=f"{role[:5].lower()}-r", groups=[role]))
    assert client.get(f"/shares/{share.pk}/").status_code == 404
    assert client.post(f"/shares/{share.pk}/revoke/").status_code == 404
    assert client.delete(f"{API}{share.pk}/").status_code == 404
    assert client.get("/admin/reports/shares/").status_code in (302, 403)
    share.refresh_from_db()
    assert share.revoked_at is None


def test_a_hidden_item_and_a_missing_one_get_the_same_answer(rep_client, library):
    draft = EnablementAssetFactory(title="Unreviewed draft", slug="unreviewed-draft")
    answers = []
    for url in (draft.url, "/library/no-such-item/"):
        response = post_json(rep_client, {"items": [url], "recipient": "A", "organisation": "B"})
        answers.append(
            (response.status_code, response.json()["fields"]["items"].replace(url, "URL"))
        )
    assert answers[0] == answers[1] and answers[0][0] == 400


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"items": ' + "[" * 5000 + "]" * 5000 + ', "recipient": "a", "organisation": "b"}',
        '{"items": ["/library/x/"], "recipient": "a\\ud800", "organisation": "b"}',
        '{"items": ["/library/\\udc00/"], "recipient": "a", "organisation": "b"}',
    ],
)
def test_malformed_json_is_a_400_not_a_500(rep_client, body):
    response = post_json(rep_client, body)
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_on_a_buyers_link_are_405_with_the_buyers_headers(
    one_pager, make_share, method
):
    share = make_share(one_pager)
    response = getattr(Client(enforce_csrf_checks=True), method)(f"/s/{share.token}/")
    assert response.status_code == 405
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_an_item_made_private_after_sharing_stops(one_pager, case_study, make_share):
    share = make_share(one_pager, case_study)
    assert Client().get(f"/s/{share.token}/").status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=one_pager, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.MARKETERS)])
    html = Client().get(f"/s/{share.token}/").content.decode()
    assert "10 business days" not in html and "no longer available" in html
