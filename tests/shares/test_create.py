"""A rep shares: through the library's form and through the API."""

import json

from django.core import mail
from django.test import Client

from wagtail.models import APIToken, ModelLogEntry

import pytest

from shares.models import SenderProfile, Share
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import UserFactory
from tests.glossary.factories import GlossaryTermFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/shares/"


def csrf_client(user):
    """A browser-like client: signed in, CSRF checks on, holding the CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/shares/new/")
    return client


def post_json(client, data, **headers):
    return client.post(API, json.dumps(data), content_type="application/json", **headers)


class TestTheForm:
    def test_the_item_page_offers_sharing_for_external_items_only(
        self, rep_client, one_pager, internal_item
    ):
        assert (
            f"/shares/new/?items={one_pager.pk}" in rep_client.get(one_pager.url).content.decode()
        )
        html = rep_client.get(internal_item.url).content.decode()
        assert "/shares/new/" not in html

    def test_a_rep_shares_and_gets_the_link(self, rep_client, rep, one_pager):
        page = rep_client.get(f"/shares/new/?items={one_pager.pk}")
        assert page.status_code == 200 and one_pager.title in page.content.decode()
        response = rep_client.post(
            "/shares/new/",
            {
                "items": [one_pager.pk],
                "offered": [one_pager.pk],
                "recipient": "Dr. Ana Lee",
                "organisation": "Riverside Family Medicine",
                "note": "As promised.",
                "phone": "+1 555 0100",
            },
            follow=True,
        )
        share = Share.objects.get()
        assert (share.created_by, share.recipient, share.note) == (
            rep,
            "Dr. Ana Lee",
            "As promised.",
        )
        assert list(share.items.values_list("page_id", flat=True)) == [one_pager.pk]
        assert f"http://testserver/s/{share.token}/" in response.content.decode()
        assert SenderProfile.objects.get(user=rep).phone == "+1 555 0100"
        entry = ModelLogEntry.objects.get(action="concord.share.create")
        assert entry.data["recipient"] == "Dr. Ana Lee"
        assert entry.data["items"][0]["approval"] == one_pager.approval_label
        assert entry.user == rep

    def test_internal_and_invisible_items_are_not_offered(
        self, rep_client, one_pager, internal_item, library
    ):
        draft = EnablementAssetFactory(title="Unreviewed draft about wombats")
        html = rep_client.get(
            f"/shares/new/?items={one_pager.pk}&items={internal_item.pk}&items={draft.pk}"
        ).content.decode()
        assert "is for internal use only" in html and internal_item.title in html
        assert "wombats" not in html  # what the rep may not see isn't even named
        assert f'value="{internal_item.pk}"' not in html

    def test_a_forged_post_of_an_internal_item_is_refused(
        self, rep_client, one_pager, internal_item
    ):
        response = rep_client.post(
            "/shares/new/",
            {
                "items": [internal_item.pk],
                "recipient": "Dr. Ana Lee",
                "organisation": "Riverside",
            },
        )
        assert response.status_code == 400 and not Share.objects.exists()

    def test_the_form_needs_a_csrf_token(self, rep, one_pager):
        client = Client(enforce_csrf_checks=True)
        client.force_login(rep)
        response = client.post(
            "/shares/new/",
            {"items": [one_pager.pk], "recipient": "A", "organisation": "B"},
        )
        assert response.status_code == 403 and not Share.objects.exists()

    def test_mistakes_are_explained_and_nothing_is_lost(self, rep_client, one_pager, case_study):
        response = rep_client.post(
            "/shares/new/",
            {
                "items": [one_pager.pk],
                "offered": [one_pager.pk, case_study.pk],
                "recipient": "",
                "organisation": "x" * 200,
                "note": "Keep this note",
            },
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "Please fix 2 things" in html
        assert "Keep this note" in html and case_study.title in html  # still offered
        assert not Share.objects.exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, one_pager):
        response = client.get(f"/shares/new/?items={one_pager.pk}")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


class TestPersonalisationRules:
    def test_disallowed_wording_is_refused_with_the_preferred_term(self, rep_client, one_pager):
        GlossaryTermFactory(preferred="health plan", variants="insurance company", approved=True)
        response = rep_client.post(
            "/shares/new/",
            {
                "items": [one_pager.pk],
                "recipient": "Dr. Ana Lee",
                "organisation": "Riverside",
                "note": "Your insurance company covers this.",
            },
        )
        assert response.status_code == 400
        assert "write “health plan” instead of “insurance company”" in response.content.decode()
        assert not Share.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("recipient", "Dr.\x00 Lee", "control characters"),
            ("recipient", "x" * 121, "limited to 120 characters"),
            ("note", "\u202eevil", "control characters"),
            ("phone", "call me maybe", "digits, spaces"),
        ],
    )
    def test_slots_are_plain_and_short(self, rep, one_pager, make_share, field, value, message):
        from shares.services import ShareRefused

        with pytest.raises(ShareRefused) as refused:
            make_share(one_pager, **{field: value})
        assert message in refused.value.fields[field]

    def test_whitespace_is_tidied(self, one_pager, make_share):
        share = make_share(
            one_pager, recipient="  Dr.   Ana\tLee ", note="Line one\r\n\r\n\r\n\r\nLine two "
        )
        assert share.recipient == "Dr. Ana Lee"
        assert share.note == "Line one\n\nLine two"


class TestTheApi:
    def test_a_session_needs_the_csrf_token(self, rep, one_pager):
        client = csrf_client(rep)
        body = {"items": [one_pager.url], "recipient": "Dr. Ana Lee", "organisation": "Riverside"}
        assert post_json(client, body).status_code == 403
        response = post_json(client, body, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        assert response.status_code == 201, response.content

    def test_create_with_a_token(self, rep, one_pager, case_study):
        _, token = APIToken.create_token(user=rep, name="CRM")
        response = post_json(
            Client(enforce_csrf_checks=True),
            {
                "items": [f"http://testserver{one_pager.url}", case_study.url],
                "recipient": "Dr. Ana Lee",
                "organisation": "Riverside Family Medicine",
                "note": "As discussed",
            },
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 201, response.content
        data = response.json()
        share = Share.objects.get()
        assert set(data) >= {"id", "url", "pdf_url", "items", "expires_at", "status"}
        assert data["url"] == f"http://testserver/s/{share.token}/"
        assert data["pdf_url"] == f"http://testserver/s/{share.token}/pdf/"
        assert data["status"] == "active"
        assert [item["title"] for item in data["items"]] == [one_pager.title, case_study.title]
        assert response["Location"].endswith(f"/api/v1/shares/{share.pk}/")
        assert "no-store" in response["Cache-Control"]

    def test_an_internal_item_is_refused_by_name(self, rep_client, internal_item):
        response = post_json(
            rep_client,
            {"items": [internal_item.url], "recipient": "Dr. Ana Lee", "organisation": "X"},
        )
        assert response.status_code == 400
        assert internal_item.title in response.json()["fields"]["items"]
        assert "internal use only" in response.json()["fields"]["items"]

    def test_an_item_the_rep_cannot_see_is_refused_without_its_title(self, rep_client, library):
        draft = EnablementAssetFactory(title="Unreviewed draft about wombats", slug="draft-17")
        response = post_json(
            rep_client, {"items": [draft.url], "recipient": "Dr. Ana Lee", "organisation": "X"}
        )
        assert response.status_code == 400 and "wombats" not in response.content.decode()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"items": [], "recipient": "A", "organisation": "B"}, "items"),
            ({"items": "not-a-list", "recipient": "A", "organisation": "B"}, "items"),
            ({"items": ["/no/such/page/"], "recipient": "A", "organisation": "B"}, "items"),
            ({"items": [12], "recipient": "A", "organisation": "B"}, "items"),
            ({"items": ["ITEM"], "recipient": 42, "organisation": "B"}, "recipient"),
            ({"items": ["ITEM"], "organisation": "B"}, "recipient"),
            ({"items": ["ITEM"], "recipient": "A", "organisation": "B", "secret": 1}, "secret"),
        ],
    )
    def test_bad_input_names_the_field(self, rep_client, one_pager, body, field):
        body = {
            name: [one_pager.url if v == "ITEM" else v for v in value]
            if isinstance(value, list)
            else value
            for name, value in body.items()
        }
        response = post_json(rep_client, body)
        assert response.status_code == 400, response.content
        assert field in response.json()["fields"]
        assert not Share.objects.exists()

    @pytest.mark.parametrize(
        ("data", "content_type", "status"),
        [
            ("{not json", "application/json", 400),
            ("[1, 2]", "application/json", 400),
            ("items=1", "application/x-www-form-urlencoded", 415),
            ("\xff\xfe", "application/json", 400),
        ],
    )
    def test_malformed_bodies_are_refused(self, rep_client, data, content_type, status):
        response = rep_client.post(API, data, content_type=content_type)
        assert response.status_code == status
        assert "error" in response.json()

    def test_list_and_revoke(self, rep, other_rep, one_pager, make_share):
        mine = make_share(one_pager)
        make_share(one_pager, user=other_rep)
        Client().get(f"/s/{mine.token}/")
        client = Client()
        client.force_login(rep)
        listed = client.get(API).json()
        assert [row["id"] for row in listed["results"]] == [mine.pk]
        assert listed["results"][0]["opens"] == 1
        assert listed["results"][0]["last_opened"]
        # Session DELETE needs the CSRF token too; a token doesn't.
        _, token = APIToken.create_token(user=rep, name="CRM")
        response = Client().delete(f"{API}{mine.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200 and response.json()["status"] == "revoked"
        assert Client().get(f"/s/{mine.token}/").status_code == 410

    def test_another_reps_share_is_not_there(self, rep_client, other_rep, one_pager, make_share):
        theirs = make_share(one_pager, user=other_rep)
        assert rep_client.get(f"{API}{theirs.pk}/").status_code == 404
        assert rep_client.delete(f"{API}{theirs.pk}/").status_code == 404
        assert rep_client.get(f"/shares/{theirs.pk}/").status_code == 404
        assert Share.objects.get(pk=theirs.pk).revoked_at is None

    def test_marketers_and_compliance_may_revoke_any_share(
        self, marketer, reviewer, one_pager, make_share
    ):
        for user in (marketer, reviewer):
            share = make_share(one_pager)
            client = Client()
            client.force_login(user)
            response = client.post(f"/shares/{share.pk}/revoke/", follow=True)
            assert response.status_code == 200
            share.refresh_from_db()
            assert share.revoked_by == user

    def test_anonymous_callers_get_401(self, one_pager):
        assert Client().get(API).status_code == 401
        assert Client().post(API, "{}", content_type="application/json").status_code == 401

    def test_users_outside_the_library_get_403(self, one_pager):
        outsider = UserFactory(username="outsider")
        client = Client()
        client.force_login(outsider)
        assert client.get(API).status_code == 403


def test_no_mail_is_sent_when_sharing(rep_client, one_pager, make_share):
    make_share(one_pager)
    assert mail.outbox == []


def test_a_bundle_is_built_from_the_form(rep_client, one_pager, case_study, internal_item):
    html = rep_client.get(f"/shares/new/?items={one_pager.pk}").content.decode()
    # What the rep picked is ticked; more from the same service line is offered, not ticked.
    assert f'value="{one_pager.pk}"' in html and f'value="{case_study.pk}"' in html
    ticked = html.split(f'name="items" value="{one_pager.pk}"')[1].split(">")[0]
    offered = html.split(f'name="items" value="{case_study.pk}"')[1].split(">")[0]
    assert "checked" in ticked and "checked" not in offered
    assert internal_item.title not in html  # internal material is never offered
    rep_client.post(
        "/shares/new/",
        {
            "items": [one_pager.pk, case_study.pk],
            "offered": [one_pager.pk, case_study.pk],
            "recipient": "Dr. Ana Lee",
            "organisation": "Riverside",
        },
    )
    share = Share.objects.get()
    assert sorted(share.items.values_list("page_id", flat=True)) == sorted(
        [one_pager.pk, case_study.pk]
    )
