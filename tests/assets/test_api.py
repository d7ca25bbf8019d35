"""GET /api/v1/library/: the library as JSON for a CRM or a script."""

from wagtail.models import APIToken

import pytest

from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory
from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/library/"
KEYS = {
    "title",
    "url",
    "kind",
    "audience",
    "service_lines",
    "stages",
    "segments",
    "approval_code",
    "review_by",
    "pdf_url",
}


@pytest.fixture
def items(library, cardiology, orthopedics, awareness, physician):
    return [
        EnablementAssetFactory(
            title="HF one-pager",
            service_lines=[cardiology],
            stages=[awareness],
            segments=[physician],
            approved=True,
        ),
        TalkTrackFactory(
            title="Ortho intro",
            service_lines=[orthopedics],
            stages=[awareness],
            segments=[physician],
            approved=True,
        ),
        EnablementAssetFactory(title="Draft", service_lines=[cardiology]),
    ]


def test_shape_is_the_contract(rep_client, items):
    response = rep_client.get(URL, {"service_line": "cardiology"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "results"}
    assert data["count"] == 1
    (row,) = data["results"]
    assert set(row) == KEYS
    asset = items[0]
    assert row == {
        "title": "HF one-pager",
        "url": f"http://testserver{asset.url}",
        "kind": "one-pager",
        "audience": "external",
        "service_lines": ["cardiology"],
        "stages": ["awareness"],
        "segments": ["referring-physician"],
        "approval_code": asset.approval_label,
        "review_by": asset.review_by.isoformat(),
        "pdf_url": f"http://testserver{asset.url}pdf/",
    }
    assert "private" in response["Cache-Control"]


def test_same_filters_and_search_as_the_library(rep_client, items):
    assert rep_client.get(URL).json()["count"] == 2
    assert [
        row["title"] for row in rep_client.get(URL, {"kind": "talk-track"}).json()["results"]
    ] == ["Ortho intro"]
    assert rep_client.get(URL, {"q": "ortho"}).json()["count"] == 1


def test_anonymous_callers_get_401(client, items):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "error" in response.json()


def test_users_without_a_library_role_get_403(client, items):
    client.force_login(UserFactory(username="someone"))
    assert client.get(URL).status_code == 403


def test_api_token_authenticates_as_its_user(client, rep, items):
    _, token = APIToken.create_token(user=rep, name="CRM")
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert APIToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer wagtail_not-a-real-token", "Bearer ", "Basic cmVwOnB3", "Bearer x" * 50],
)
def test_bad_tokens_get_401_even_with_a_session(rep_client, items, header):
    assert rep_client.get(URL, HTTP_AUTHORIZATION=header).status_code == 401


def test_revoked_tokens_and_inactive_users_get_401(client, rep, items):
    api_token, token = APIToken.create_token(user=rep, name="CRM")
    api_token.revoke()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    _, token = APIToken.create_token(user=rep, name="CRM 2")
    rep.is_active = False
    rep.save()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_results_are_scoped_to_the_user(client, rep, marketer, library):
    from django.contrib.auth.models import Group

    from wagtail.models import PageViewRestriction

    secret = EnablementAssetFactory(title="Marketing only", approved=True)
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Marketers")])
    EnablementAssetFactory(title="Everyone", approved=True)

    _, rep_token = APIToken.create_token(user=rep, name="rep")
    _, marketer_token = APIToken.create_token(user=marketer, name="marketer")
    rep_titles = [
        row["title"]
        for row in client.get(URL, HTTP_AUTHORIZATION=f"Bearer {rep_token}").json()["results"]
    ]
    marketer_titles = [
        row["title"]
        for row in client.get(URL, HTTP_AUTHORIZATION=f"Bearer {marketer_token}").json()["results"]
    ]
    assert rep_titles == ["Everyone"]
    assert sorted(marketer_titles) == ["Everyone", "Marketing only"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"service_line": "nope"}, "There is no service line “nope”"),
        ({"stage": "x", "segment": "y"}, "There is no journey stage “x”"),
        ({"kind": "poster"}, "not a kind of material"),
        ({"q": "x" * 10_000}, "limited to 200 characters"),
        ({"page": "abc"}, "“page” must be a whole number"),
        ({"page": "0"}, "“page” must be a number of 1 or more"),
        ({"page_size": "1000"}, "between 1 and 500"),
        ({"sort": "random"}, "not a way to sort"),
    ],
)
def test_bad_parameters_get_400_with_a_message(rep_client, items, params, message):
    response = rep_client.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_pagination(rep_client, items):
    response = rep_client.get(URL, {"page_size": 1})
    assert response.json()["count"] == 2
    assert len(response.json()["results"]) == 1
    assert 'rel="next"' in response["Link"]
    second = rep_client.get(URL, {"page_size": 1, "page": 2}).json()["results"]
    assert second and second != response.json()["results"]
    assert rep_client.get(URL, {"page": 99}).json()["results"] == []


def test_only_get(rep_client, items):
    assert rep_client.post(URL).status_code == 405
