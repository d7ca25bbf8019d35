"""The demo glossary: realistic, valid, idempotent, and broken on purpose by three drafts."""

from django.core.management.base import OutputWrapper

import pytest

from cms import demo as cms_demo
from cms.management.commands.seed_demo import SeedContext
from cms.models import ApprovedMessage, ServiceLine
from glossary import demo
from glossary.checking import check_object
from glossary.models import GlossaryTerm
from tests.reviews.factories import approve_now


@pytest.fixture
def context(db):
    context = SeedContext(password="demo-pass", stdout=OutputWrapper(open("/dev/null", "w")))  # noqa: SIM115
    cms_demo.seed(context)
    return context


def test_every_service_line_gets_a_glossary_of_drafts_to_approve(context):
    demo.seed(context)
    terms = list(GlossaryTerm.objects.select_related("service_line"))
    assert len(terms) == len(demo.TERMS)
    assert {term.pk for term in terms} == {term.pk for term in context.extra["to_approve"]}
    assert not any(term.live for term in terms)
    for line in ServiceLine.objects.all():
        kinds = {term.kind for term in terms if term.service_line == line}
        assert (
            GlossaryTerm.Kind.PROGRAM_NAME in kinds or GlossaryTerm.Kind.CARE_PATHWAY_STEP in kinds
        )
        assert all(term.variant_list for term in terms if term.service_line == line)
    assert any(term.service_line is None for term in terms)
    assert any(term.case_sensitive and term.kind == "acronym" for term in terms)


def test_the_demo_terms_are_valid_together(context):
    demo.seed(context)
    for term in GlossaryTerm.objects.all():
        approve_now(term)  # full_clean against the terms approved so far
    for term in GlossaryTerm.objects.all():
        term.full_clean()
        # The workflow's terminology gate checks terms too: the demo's must pass it.
        assert check_object(term) == [], term


def test_seeding_twice_changes_nothing(context):
    demo.seed(context)
    counts = (GlossaryTerm.objects.count(), ApprovedMessage.objects.count())
    for term in GlossaryTerm.objects.all():
        approve_now(term)
    context.extra.clear()
    demo.seed(context)
    assert (GlossaryTerm.objects.count(), ApprovedMessage.objects.count()) == counts
    assert context.extra["to_approve"] == []


def test_the_violating_drafts_break_the_approved_glossary(context):
    demo.seed(context)
    for term in GlossaryTerm.objects.all():
        approve_now(term)
    drafts = ApprovedMessage.objects.filter(title__startswith="Draft:")
    assert drafts.count() == 3
    for message in drafts:
        assert not message.live
        assert len(check_object(message)) >= 2, message.title
