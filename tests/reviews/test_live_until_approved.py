"""Editing live content makes a draft; reps keep seeing the approved version until the
new revision is approved, and then its version goes up."""

import pytest

from assets.selectors import library_items
from tests.assets.factories import EnablementAssetFactory
from tests.reviews.factories import approve, cardiology, edit, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_asset(marketer, reviewer):
    asset = EnablementAssetFactory(
        title="Heart failure clinic one-pager",
        summary="What referring physicians need to know about the heart failure clinic.",
        service_lines=[cardiology()],
    )
    asset.save_revision(user=marketer)
    submit(asset, user=marketer)
    approve(asset, user=reviewer)
    asset.refresh_from_db()
    assert asset.live and asset.approval_version == 1
    return asset


def rep_sees(rep):
    return {(item.title, item.summary, item.approval_label) for item in library_items(user=rep)}


def test_a_draft_edit_does_not_change_what_reps_see_until_it_is_approved(
    rep, marketer, second_reviewer, live_asset
):
    approved = ("Heart failure clinic one-pager", live_asset.summary, live_asset.approval_label)
    assert rep_sees(rep) == {approved}

    edit(live_asset, user=marketer, summary="Rewritten summary, not yet approved.")
    assert rep_sees(rep) == {approved}

    submit(live_asset, user=marketer)  # in review: still the approved version
    assert rep_sees(rep) == {approved}

    approve(live_asset, user=second_reviewer)
    live_asset.refresh_from_db()
    assert live_asset.approval_version == 2
    assert rep_sees(rep) == {
        (
            "Heart failure clinic one-pager",
            "Rewritten summary, not yet approved.",
            live_asset.approval_label,
        )
    }
    assert live_asset.approval_label.endswith(" v2")


def test_what_reps_see_is_what_was_approved_even_if_edited_after_approval(
    rep, marketer, reviewer, second_reviewer, live_asset
):
    edit(live_asset, user=marketer, summary="Second version.")
    submit(live_asset, user=marketer)
    approve(live_asset, user=second_reviewer)
    edit(live_asset, user=marketer, summary="Third version, a draft.")
    live_asset.refresh_from_db()
    assert live_asset.summary == "Second version."
    assert live_asset.has_unpublished_changes
    assert {summary for _title, summary, _label in rep_sees(rep)} == {"Second version."}
