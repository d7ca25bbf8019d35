"""The cached matcher of the approved glossary: built once per version and per day."""

import datetime

from django.utils import timezone

from glossary import matching
from glossary.matching import get_matcher
from tests.glossary.factories import GlossaryTermFactory


def test_the_matcher_is_cached_without_any_query(rehab_term, django_assert_num_queries):
    matcher = get_matcher()
    with django_assert_num_queries(0):
        assert get_matcher() is matcher


def test_publishing_a_term_rebuilds_the_matcher(cardiology, rehab_term):
    before = get_matcher()
    GlossaryTermFactory(service_line=cardiology, preferred="TAVR", variants="TAVI", approved=True)
    after = get_matcher()
    assert after is not before
    assert [f.found for f in after.find("TAVI and cardiac rehab", ["cardiology"])] == [
        "TAVI",
        "cardiac rehab",
    ]


def test_unpublishing_a_term_stops_enforcing_it(cardiology, rehab_term):
    assert not get_matcher().is_empty
    rehab_term.unpublish()
    assert get_matcher().is_empty


def test_deleting_a_term_stops_enforcing_it(rehab_term):
    assert not get_matcher().is_empty
    rehab_term.delete()
    assert get_matcher().is_empty


def test_saving_a_draft_does_not_change_the_version(rehab_term):
    get_matcher()
    version = matching.glossary_version()
    draft = rehab_term.get_latest_revision_as_object()
    draft.definition = "Changed in a draft."
    draft.save_revision()
    assert matching.glossary_version() == version


def test_a_new_day_rebuilds_the_matcher_so_expired_terms_drop_out(cardiology, monkeypatch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    GlossaryTermFactory(
        service_line=cardiology,
        preferred="Heart Failure Clinic",
        variants="CHF clinic",
        approved=True,
        approved__review_by=timezone.localdate(),
    )
    assert not get_matcher().is_empty
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    assert get_matcher().is_empty


def test_a_lost_cache_entry_rebuilds_instead_of_serving_stale_terms(rehab_term):
    from django.core.cache import cache

    first = get_matcher()
    cache.delete(matching.VERSION_CACHE_KEY)
    assert get_matcher() is not first
