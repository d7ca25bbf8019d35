"""The rep's pages: filter counts that respect privacy, the glossary in the navigation,
one label per segment, and a filter panel that folds on phones."""

import html
import re

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

import pytest

from assets import selectors
from assets.models.library import Kind, Purpose
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory
from tests.cms.factories import SegmentFactory
from tests.glossary.factories import GlossaryTermFactory


@pytest.fixture
def items(library, cardiology, orthopedics, awareness, evaluation, physician, health_plan):
    visible = EnablementAssetFactory(
        title="Cardiology awareness one-pager",
        service_lines=[cardiology],
        stages=[awareness],
        segments=[physician],
        approved=True,
    )
    hidden = EnablementAssetFactory(
        title="Cardiology margins for marketers",
        kind=Kind.FAQ,
        service_lines=[cardiology],
        stages=[awareness, evaluation],
        segments=[physician],
        approved=True,
    )
    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Marketers")])
    EnablementAssetFactory(  # a draft counts for nobody
        service_lines=[cardiology], stages=[awareness], segments=[physician]
    )
    TalkTrackFactory(
        title="Orthopedics evaluation call",
        service_lines=[orthopedics],
        stages=[evaluation],
        segments=[health_plan],
        approved=True,
    )
    return visible, hidden


def test_counts_never_include_what_the_viewer_cannot_see(
    items, rep, marketer, cardiology, orthopedics, awareness, evaluation, physician
):
    counts = selectors.facet_counts(rep, {})
    assert counts["service_line"] == {cardiology.pk: 1, orthopedics.pk: 1}
    assert counts["stage"] == {awareness.pk: 1, evaluation.pk: 1}
    assert counts["kind"] == {Kind.ONE_PAGER: 1, Kind.TALK_TRACK: 1}
    # A marketer passes the restriction: the hidden FAQ counts for them.
    counts = selectors.facet_counts(marketer, {})
    assert counts["service_line"] == {cardiology.pk: 2, orthopedics.pk: 1}
    assert counts["kind"] == {Kind.ONE_PAGER: 1, Kind.FAQ: 1, Kind.TALK_TRACK: 1}


def test_counts_keep_the_other_filters(
    items, marketer, cardiology, orthopedics, awareness, evaluation, physician
):
    counts = selectors.facet_counts(marketer, {"stage": "evaluation"})
    # Service lines: what each would give at evaluation.
    assert counts["service_line"] == {cardiology.pk: 1, orthopedics.pk: 1}
    # Stages: what each stage would give (the stage filter itself is left out).
    assert counts["stage"] == {awareness.pk: 2, evaluation.pk: 2}
    counts = selectors.facet_counts(marketer, {"stage": "evaluation", "kind": "faq"})
    assert counts["service_line"] == {cardiology.pk: 1}
    assert counts["kind"] == {Kind.FAQ: 1, Kind.TALK_TRACK: 1}


def test_counts_follow_the_search(items, rep, marketer, cardiology):
    assert selectors.facet_counts(rep, {"q": "margins"})["service_line"] == {}
    assert selectors.facet_counts(marketer, {"q": "margins"})["service_line"] == {cardiology.pk: 1}


def test_a_paused_line_counts_what_reps_would_get(library, rep, sleep, awareness, physician):
    for purpose in (Purpose.BOOKING, Purpose.NURTURE):
        EnablementAssetFactory(
            purpose=purpose,
            service_lines=[sleep],
            stages=[awareness],
            segments=[physician],
            approved=True,
        )
    counts = selectors.facet_counts(rep, {})
    assert counts["service_line"] == {sleep.pk: 1}  # booking material is held back
    assert counts["stage"] == {awareness.pk: 2}  # unless the paused line is chosen


def test_the_listing_shows_the_counts_in_the_options(items, rep_client, client, marketer):
    body = html.unescape(rep_client.get("/library/").content.decode())
    assert re.search(r'value="cardiology"[^>]*>Cardiology \(1\)</option>', body)
    assert "The numbers say how many approved items you would get." in body
    client.force_login(marketer)
    body = html.unescape(client.get("/library/").content.decode())
    assert re.search(r'value="cardiology"[^>]*>Cardiology \(2\)</option>', body)


def test_bad_filters_still_show_the_options_without_counts(items, rep_client):
    response = rep_client.get("/library/", {"stage": "nope"})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert re.search(r'value="cardiology"[^>]*>Cardiology</option>', body)


def test_the_glossary_is_in_the_navigation(rep_client, library, cardiology, orthopedics):
    GlossaryTermFactory(
        preferred="Cardiac Rehabilitation Program", service_line=cardiology, approved=True
    )
    body = rep_client.get("/library/").content.decode()
    assert '<a href="/library/glossary/"' in body
    response = rep_client.get("/library/glossary/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<a href="/library/glossary/cardiology/">Cardiology glossary</a>' in body
    assert "orthopedics" not in body  # no approved terms: no glossary to list
    assert 'aria-current="page">Glossary</a>' in body


def test_one_label_per_segment_everywhere(rep_client, library, cardiology, awareness):
    segment = SegmentFactory(
        slug="referring-physician", name="Referring physician", care_setting="Ambulatory"
    )
    EnablementAssetFactory(
        title="Referral one-pager",
        service_lines=[cardiology],
        stages=[awareness],
        segments=[segment],
        approved=True,
    )
    label = "Referring physician (Ambulatory)"
    call = {"service_line": "cardiology", "stage": "awareness", "segment": segment.slug}
    for url, params in (
        ("/library/", {}),  # the filter and the card
        ("/library/before-your-call/", call),  # the select and the plan's heading
    ):
        body = html.unescape(rep_client.get(url, params).content.decode())
        assert body.count(label) >= 2, url
        assert not re.search(r"Referring physician(?! \(Ambulatory\))", body), url
