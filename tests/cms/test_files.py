"""cms.files: which files content uses, where, who may open them, and what locks them.

The attacks over HTTP are in ``tests/security/test_file_routes.py``; these pin down
the rules' edges.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

import pytest

from assets.models import EnablementAssetPage
from assets.services import ensure_internal_collection
from cms import files
from cms.forms import ReviewablePageForm, check_reviewable_page_forms
from cms.models import ServiceLinePage
from reviews.services import assign_default_workflows
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory, attach
from tests.reviews.factories import approve, submit

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()


@pytest.fixture
def root():
    return Collection.get_first_root_node()


@pytest.fixture
def internal():
    return ensure_internal_collection()


def document(title, collection):
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 x", name="x.pdf"), collection=collection
    )


def image(title, collection):
    return Image.objects.create(title=title, file=get_test_image_file(), collection=collection)


def test_paths_name_the_block_and_the_attachment_by_position(root, home_page):
    leaflet, photo = document("Leaflet", root), image("Photo", root)
    asset = EnablementAssetFactory(
        body=[
            ("heading", {"text": "Files", "level": "h2"}),
            ("paragraph", f'<p><a linktype="document" id="{leaflet.pk}">x</a></p>'),
            ("document", {"document": leaflet, "label": ""}),
            ("image", {"image": photo, "alt_text": "x", "decorative": False}),
        ]
    )
    attach(asset, document("Other", root))
    second = document("Second", root)
    attach(asset, second)
    asset = EnablementAssetPage.objects.get(pk=asset.pk)

    paths = sorted(
        files.readable_path(asset, path) for _kind, _id, path in files.file_references(asset)
    )

    assert paths == [
        "attachments[0].document",
        "attachments[1].document",
        "body[1].paragraph",
        "body[2].document.document",
        "body[3].image",
    ]
    assert files.readable_path(asset, "nowhere.1") == "nowhere.1"


def test_a_file_is_as_private_as_its_collection_and_its_parents(root, internal):
    assert files.file_access(document("Open", root)) == files.PUBLIC
    assert files.file_access(document("Internal", internal)) == files.SIGNED_IN
    nested = internal.add_child(instance=Collection(name="Deals"))
    assert files.file_access(document("Nested", nested)) == files.SIGNED_IN
    vault = root.add_child(instance=Collection(name="Vault"))
    CollectionViewRestriction.objects.create(
        collection=vault, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    assert files.file_access(document("Shared secret", vault)) == files.PASSWORD_ONLY


def test_internal_content_may_not_rely_on_a_shared_password(root, home_page):
    vault = root.add_child(instance=Collection(name="Vault"))
    CollectionViewRestriction.objects.create(
        collection=vault, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    asset = EnablementAssetFactory(audience="internal")
    attach(asset, document("Rate card", vault))
    asset = EnablementAssetPage.objects.get(pk=asset.pk)

    (problem,) = files.file_privacy_problems(asset)

    assert problem.startswith("attachments[0].document: “Rate card” is in “Vault”")
    assert "protected only by a shared password" in problem


def test_talk_tracks_are_internal_whatever_their_audience_field_says(root, home_page):
    track = TalkTrackFactory()
    problems = files.file_privacy_problems(
        track, files=[("image", image("Open photo", root), "key_messages[0]")]
    )
    assert len(problems) == 1 and "is in a public collection" in problems[0]


def test_content_without_an_audience_has_no_file_rules(root, home_page):
    assert files.file_privacy_problems(home_page) == []


def test_unused_and_draft_only_files_are_not_locked(root, home_page):
    unused = document("Unused", root)
    draft = EnablementAssetFactory()
    used_by_draft = document("Draft's", root)
    attach(draft, used_by_draft)
    assert files.locking_uses(unused) == []
    assert files.locking_uses(used_by_draft) == []
    assert files.locking_uses(Document(title="Not saved")) == []


def test_an_approved_revision_waiting_for_its_scheduled_publish_locks_its_files(
    root, home_page, marketer
):
    form = document("Referral form", root)
    asset = EnablementAssetFactory(title="Referral guide")
    draft = asset.get_latest_revision_as_object()
    draft.body = [("document", {"document": form, "label": ""})]
    draft.save_revision(
        user=marketer, approved_go_live_at=timezone.now() + datetime.timedelta(days=3)
    )

    (use,) = files.locking_uses(form)

    assert str(use) == "“Referral guide” (approved, scheduled to go live)"
    message = files.locked_file_message(form, [use], change=files.REPLACE)
    assert message.startswith("“Referral form” is used by approved content: “Referral guide”")


def test_a_file_used_by_approved_content_and_content_in_review_says_both(
    root, home_page, marketer, reviewer
):
    assign_default_workflows()
    form = document("Referral form", root)
    approved = EnablementAssetFactory(title="A one-pager")
    attach(approved, form)
    approved = EnablementAssetPage.objects.get(pk=approved.pk)
    approved.save_revision(user=marketer)
    submit(approved, user=marketer)
    approve(approved, user=reviewer)
    approved.refresh_from_db()
    in_review = EnablementAssetFactory(title="B case study")
    draft = in_review.get_latest_revision_as_object()
    draft.body = [("document", {"document": form, "label": ""})]
    draft.save_revision(user=marketer)
    submit(in_review, user=marketer)

    uses = files.locking_uses(form)

    assert [str(use) for use in uses] == [
        f"“A one-pager” ({approved.approval_label})",
        "“B case study” (in review)",
    ]
    assert files.locked_file_message(form, uses, change=files.MOVE).startswith(
        "“Referral form” is used by approved content and content in review: "
    )


def test_every_reviewable_page_type_checks_its_files_when_saved():
    assert issubclass(ServiceLinePage.base_form_class, ReviewablePageForm)
    assert check_reviewable_page_forms() == []


def test_a_reviewable_page_type_with_a_form_that_skips_the_file_check_fails_the_checks(
    monkeypatch,
):
    class CarelessForm(WagtailAdminPageForm):
        pass

    monkeypatch.setattr(ServiceLinePage, "base_form_class", CarelessForm)

    errors = check_reviewable_page_forms()

    assert [error.id for error in errors] == ["concord.E001"]
    assert errors[0].obj is ServiceLinePage
