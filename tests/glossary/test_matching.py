"""The cached matcher of the approved glossary: built once per version and per day."""

import datetime

from django.utils import timezone

from cms import freshness
from glossary.matching import get_matcher
from tests.glossary.factories import GlossaryTermFactory


def test_the_matcher_is_cached_at_the_cost_of_the_version_query(
    rehab_term, django_assert_num_queries
):
    matcher = get_matcher()
    with django_assert_num_queries(1):  # the content version's one row, nothing else
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
    version = freshness.version()
    draft = rehab_term.get_latest_revision_as_object()
    draft.definition = "Changed in a draft."
    draft.save_revision()
    assert freshness.version() == version


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


def test_the_matcher_follows_the_content_version_not_the_cache(rehab_term):
    """Another process's change reaches this one through the version row: a cleared
    cache changes nothing, a moved version rebuilds."""
    from django.core.cache import cache

    first = get_matcher()
    cache.clear()
    assert get_matcher() is first
    freshness.bump()
    assert get_matcher() is not first


def test_a_matcher_built_in_a_rolled_back_change_is_never_served_later(cardiology, rehab_term):
    """The version a rolled-back transaction moved to is never handed to the next change,
    so a matcher this process built inside it can't be taken for the new glossary's."""
    from django.db import transaction

    import pytest

    with pytest.raises(RuntimeError), transaction.atomic():
        GlossaryTermFactory(
            service_line=cardiology, preferred="TAVR", variants="TAVI", approved=True
        )
        assert [f.found for f in get_matcher().find("TAVI", ["cardiology"])] == ["TAVI"]
        raise RuntimeError
    GlossaryTermFactory(
        service_line=cardiology,
        preferred="Heart Failure Clinic",
        variants="CHF clinic",
        approved=True,
    )
    found = [f.found for f in get_matcher().find("TAVI or the CHF clinic", ["cardiology"])]
    assert found == ["CHF clinic"]
