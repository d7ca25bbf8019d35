"""Search knows the glossary: a "don't say" variant in the search also searches its
preferred term, in the library and its API, and says so; the query count stays put."""

import html

import pytest

from assets import synonyms
from assets.models.library import Kind
from tests.assets.factories import EnablementAssetFactory
from tests.glossary.factories import GlossaryTermFactory


@pytest.fixture
def glossary(cardiology):
    GlossaryTermFactory(
        preferred="health plan",
        variants="insurance company\ninsurance carrier",
        approved=True,
    )
    GlossaryTermFactory(
        preferred="Cardiac Rehabilitation Program",
        variants="heart rehab\ncardio rehab\ncardiac rehab center",
        service_line=cardiology,
        approved=True,
    )
    # A draft term is not the glossary yet.
    GlossaryTermFactory(preferred="nurse navigator", variants="care guide")


@pytest.fixture
def items(library, cardiology):
    return {
        "plans": EnablementAssetFactory(
            title="Working with health plan care managers",
            summary="How our programs fit a health plan's care-management team.",
            kind=Kind.ONE_PAGER,
            service_lines=[cardiology],
            approved=True,
        ),
        "rehab": EnablementAssetFactory(
            title="Cardiac Rehabilitation Program at a glance",
            summary="Twelve weeks, three sites, supervised exercise.",
            kind=Kind.ONE_PAGER,
            service_lines=[cardiology],
            approved=True,
        ),
        "guide": EnablementAssetFactory(
            title="Care guide for families",
            summary="What families can expect.",
            service_lines=[cardiology],
            approved=True,
        ),
    }


def titles(response):
    return [item["title"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("q", "preferred"),
    [
        ("insurance", "health plan"),  # the first word of a variant, the whole search
        ("INSURANCE", "health plan"),  # any case
        ("Insurance Company", "health plan"),  # a whole variant
        ("our insurance carriers", "health plan"),  # a variant's plural, inside a search
        ("cardiac rehab", "Cardiac Rehabilitation Program"),  # several words
        ("heart rehab", "Cardiac Rehabilitation Program"),
    ],
)
def test_variants_find_their_preferred_terms(glossary, q, preferred):
    found = synonyms.synonyms_for(q)
    assert [synonym.preferred for synonym in found] == [preferred]


@pytest.mark.parametrize(
    "q",
    [
        "insurance coverage",  # a variant's first word inside a longer search is a word
        "company",  # not the first word of the variant
        "health plan",  # already the preferred term
        "care guide",  # a draft term
        "ins",  # too short to stand for anything
        "",
    ],
)
def test_other_words_are_left_alone(glossary, q):
    assert synonyms.synonyms_for(q) == []


def test_the_library_searches_the_preferred_term_and_says_so(glossary, items, rep_client):
    response = rep_client.get("/library/", {"q": "insurance"})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Working with health plan care managers" in body
    assert "Showing results for “insurance” and “health plan”" in body
    assert "“health plan” is the glossary's term for “insurance company”" in body

    response = rep_client.get("/library/", {"q": "Cardiac Rehab"})
    body = html.unescape(response.content.decode())
    assert "Cardiac Rehabilitation Program at a glance" in body
    assert "Showing results for “Cardiac Rehab” and “Cardiac Rehabilitation Program”" in body

    # An ordinary search says nothing about the glossary.
    body = html.unescape(rep_client.get("/library/", {"q": "families"}).content.decode())
    assert "Care guide for families" in body and "Showing results for" not in body


def test_the_api_uses_the_same_search(glossary, items, rep_client):
    response = rep_client.get("/api/v1/library/", {"q": "insurance"})
    assert response.status_code == 200
    data = response.json()
    assert titles(response) == ["Working with health plan care managers"]
    assert data["synonyms"] == [
        {"found": "insurance", "preferred": "health plan", "variant": "insurance company"}
    ]
    response = rep_client.get("/api/v1/library/", {"q": "cardio rehab"})
    assert titles(response) == ["Cardiac Rehabilitation Program at a glance"]
    assert rep_client.get("/api/v1/library/", {"q": "families"}).json()["synonyms"] == []


def test_what_a_rep_may_not_see_stays_hidden(glossary, items, rep_client, library, cardiology):
    EnablementAssetFactory(  # a draft about health plans
        title="Draft health plan pricing", service_lines=[cardiology]
    )
    response = rep_client.get("/api/v1/library/", {"q": "insurance"})
    assert "Draft health plan pricing" not in titles(response)


def test_the_query_count_stays_constant(
    glossary, items, rep_client, django_assert_max_num_queries, cardiology
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(q):
        rep_client.get("/api/v1/library/", {"q": q})  # the glossary is read once per version
        with CaptureQueriesContext(connection) as captured:
            response = rep_client.get("/api/v1/library/", {"q": q})
        assert response.status_code == 200
        return len(captured.captured_queries)

    plain = count("families")
    with_synonym = count("insurance")
    for number in range(15):
        EnablementAssetFactory(
            title=f"Health plan brief {number}", service_lines=[cardiology], approved=True
        )
    assert count("insurance") == with_synonym
    assert with_synonym <= plain + 1


def test_only_a_search_answers_with_synonyms(glossary, items, rep_client):
    data = rep_client.get("/api/v1/library/", {"service_line": "cardiology"}).json()
    assert set(data) == {"count", "results"}
