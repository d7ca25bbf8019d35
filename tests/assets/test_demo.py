"""assets.demo: a realistic library, queued for the real review workflow."""

import io

import pytest

from assets import demo
from assets.models import EnablementAssetPage, LibraryIndexPage, Objection, TalkTrackPage
from cms import demo as cms_demo
from cms import indexing
from cms.management.commands.seed_demo import SeedContext
from cms.models import ApprovedMessage, ServiceLinePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(db):
    context = SeedContext(password="concord-demo", stdout=io.StringIO())
    with indexing.batched():  # as seed_demo loads it
        cms_demo.seed(context)
        demo.seed(context)
    return context


def test_demo_library_is_rich_and_queued_for_review(context):
    assert LibraryIndexPage.objects.count() == 1
    assert EnablementAssetPage.objects.count() >= 30
    assert TalkTrackPage.objects.count() >= 10
    assert Objection.objects.count() >= 20
    assert ServiceLinePage.objects.count() == 5
    assert ApprovedMessage.objects.count() >= 12
    kinds = set(EnablementAssetPage.objects.values_list("kind", flat=True))
    assert len(kinds) == 7
    assert set(EnablementAssetPage.objects.values_list("audience", flat=True)) == {
        "internal",
        "external",
        "public",
    }
    # Nothing is live until reviews.demo takes it through the workflow.
    assert not EnablementAssetPage.objects.live().exists()
    queued = context.extra["to_approve"]
    assert len(queued) >= 70
    assert all(not obj.approval_code for obj in queued)
    assert context.extra["to_submit"]
    # Objections were heard several times, from several places.
    top = Objection.objects.order_by("-times_heard").first()
    assert top.times_heard >= 10 and top.hearings.count() == top.times_heard


def test_running_it_again_changes_nothing(context):
    counts = (
        EnablementAssetPage.objects.count(),
        Objection.objects.count(),
        sum(Objection.objects.values_list("times_heard", flat=True)),
    )
    demo.seed(context)
    assert counts == (
        EnablementAssetPage.objects.count(),
        Objection.objects.count(),
        sum(Objection.objects.values_list("times_heard", flat=True)),
    )


def test_demo_copy_uses_the_preferred_terms_of_the_demo_glossary(context):
    glossary_demo = pytest.importorskip("glossary.demo")
    from glossary.checking import check_object
    from glossary.matching import build_matcher
    from glossary.models import GlossaryTerm

    service_lines = {line.slug: line for line in cms_demo.ServiceLine.objects.all()}
    terms = [
        GlossaryTerm(
            service_line=service_lines.get(slug) if slug else None,
            preferred=preferred,
            kind=kind,
            variants="\n".join(variants),
            definition=definition,
            plain_language=plain,
            case_sensitive=case_sensitive,
        )
        for slug, preferred, kind, variants, definition, plain, case_sensitive in (
            glossary_demo.TERMS
        )
    ]
    matcher = build_matcher(terms)
    queued = context.extra["to_approve"] + context.extra["to_submit"]
    findings = {str(obj): check_object(obj, matcher=matcher) for obj in queued}
    assert {name: found for name, found in findings.items() if found} == {}
