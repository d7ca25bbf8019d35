"""Asset and talk-track pages for reps: approval stamp, files and their privacy, usage."""

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils.html import escape

from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

import pytest

from assets.models import UsageEvent
from assets.models.library import Purpose
from assets.services import INTERNAL_COLLECTION
from tests.assets.factories import (
    EnablementAssetFactory,
    ObjectionFactory,
    TalkTrackFactory,
    attach,
    link_asset,
    link_objection,
    link_objection_asset,
)

pytestmark = pytest.mark.django_db
Document = get_document_model()


def make_document(title, collection):
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 demo", name=f"{title}.pdf"), collection=collection
    )


@pytest.fixture
def internal_collection(db):
    return Collection.objects.get(name=INTERNAL_COLLECTION)


@pytest.fixture
def marketing_only_collection(db):
    collection = Collection.get_first_root_node().add_child(name="Marketing working files")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Marketers")])
    return collection


def test_the_internal_collection_is_restricted_to_the_library_roles(internal_collection):
    restriction = CollectionViewRestriction.objects.get(collection=internal_collection)
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert set(restriction.groups.values_list("name", flat=True)) == {
        "Sales reps",
        "Marketers",
        "Compliance reviewers",
    }


def test_asset_page_shows_its_approval_code_review_by_and_body(rep_client, library):
    asset = EnablementAssetFactory(title="Heart Failure Clinic one-pager", approved=True)
    response = rep_client.get(asset.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert asset.approval_label in body
    assert asset.review_by.strftime("%-d %B %Y") in body
    assert "named navigator" in body  # the body's paragraph block
    assert f'href="{asset.url}pdf/"' in body
    assert "private" in response["Cache-Control"]


def test_a_rep_sees_no_internal_attachment_of_another_collection(
    rep_client, client, library, internal_collection, marketing_only_collection
):
    asset = EnablementAssetFactory(approved=True)
    shared = attach(asset, make_document("Pricing sheet", internal_collection))
    hidden = attach(asset, make_document("Draft pricing model", marketing_only_collection))

    body = rep_client.get(asset.url).content.decode()
    assert "Pricing sheet" in body
    assert "Draft pricing model" not in body

    # The download route refuses the hidden file and lets the rep have the shared one.
    assert rep_client.get(f"{asset.url}download/{hidden.pk}/").status_code == 404
    response = rep_client.get(f"{asset.url}download/{shared.pk}/")
    assert response.status_code == 302
    assert response["Location"] == shared.document.url

    # The document URLs themselves are protected by the collections' restrictions.
    assert rep_client.get(shared.document.url).status_code == 200
    denied = rep_client.get(hidden.document.url)
    assert denied.status_code in (302, 403)
    assert client.logout() is None
    anonymous = client.get(shared.document.url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_views_and_downloads_are_recorded_with_one_row_each(
    rep_client, rep, library, internal_collection, django_assert_num_queries
):
    asset = EnablementAssetFactory(approved=True)
    attachment = attach(asset, make_document("Intake form", internal_collection))
    rep_client.get(asset.url)
    rep_client.get(f"{asset.url}download/{attachment.pk}/")
    events = list(UsageEvent.objects.values_list("kind", "page_id", "user_id"))
    assert sorted(events) == sorted(
        [(UsageEvent.Kind.VIEW, asset.pk, rep.pk), (UsageEvent.Kind.DOWNLOAD, asset.pk, rep.pk)]
    )


def test_previews_render_drafts_and_record_nothing(library):
    for page in (EnablementAssetFactory(), TalkTrackFactory()):
        response = page.make_preview_request()
        assert response.status_code == 200
        assert page.title in response.content.decode()
    assert not UsageEvent.objects.exists()


def test_booking_material_of_a_paused_service_line_says_so(rep_client, library, sleep):
    asset = EnablementAssetFactory(purpose=Purpose.BOOKING, service_lines=[sleep], approved=True)
    body = rep_client.get(asset.url).content.decode()
    assert "New consults paused" in body
    assert "Don't send it for now" in body


def test_talk_track_page_shows_steps_and_only_visible_links(
    rep_client, library, cardiology, awareness, physician, sleep
):
    taxonomy = {"service_lines": [cardiology], "stages": [awareness], "segments": [physician]}
    track = TalkTrackFactory(title="Cardiology intro", approved=True, **taxonomy)
    approved = ObjectionFactory(verbatim="How long is the wait?", approved=True, **taxonomy)
    draft = ObjectionFactory(verbatim="Unanswered so far", **taxonomy)
    shown_asset = EnablementAssetFactory(title="HF one-pager", approved=True, **taxonomy)
    hidden_asset = EnablementAssetFactory(title="Draft deck", **taxonomy)
    for objection in (approved, draft):
        link_objection(track, objection)
    for asset in (shown_asset, hidden_asset):
        link_asset(track, asset)
    link_objection_asset(approved, shown_asset)

    response = rep_client.get(track.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(track.opener) in body
    assert "Where do referrals stall today?" in body
    assert track.next_step in body
    assert track.approval_label in body
    assert "How long is the wait?" in body and approved.approval_label in body
    assert "Unanswered so far" not in body
    assert "HF one-pager" in body and "Draft deck" not in body

    # The asset page lists the objection it helps answer.
    assert "How long is the wait?" in rep_client.get(shown_asset.url).content.decode()


def test_talk_track_offers_the_nurture_step_while_paused(rep_client, library, sleep):
    track = TalkTrackFactory(
        service_lines=[sleep], nurture_next_step="Add them to the reopening list.", approved=True
    )
    body = rep_client.get(track.url).content.decode()
    assert "While consults are paused:" in body
    assert "Add them to the reopening list." in body


def test_the_pdf_routes_check_visibility_before_rendering(rep_client, library):
    draft = EnablementAssetFactory(published=True)  # live but never approved
    assert rep_client.get(f"{draft.url}pdf/").status_code == 404


@pytest.mark.usefixtures("stub_pdf_renderer")
def test_a_delivered_pdf_counts_as_a_download(rep_client, rep, library):
    asset = EnablementAssetFactory(approved=True)
    response = rep_client.get(f"{asset.url}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert list(UsageEvent.objects.values_list("kind", "page_id", "user_id")) == [
        (UsageEvent.Kind.DOWNLOAD, asset.pk, rep.pk)
    ]
