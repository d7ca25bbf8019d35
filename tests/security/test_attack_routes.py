# ruff: noqa: F811 - the fixtures imported from test_file_routes are used as arguments
"""Routes found by attacking the approval and file rules over HTTP with ordinary accounts.

Each test drives the real admin views with the test client, as the attack did against a
running server (``runserver`` + ``requests``), and was written failing before its fix.

* Deleting a document or image that approved content (or content in review) uses:
  Wagtail's delete view, its multiple-upload delete endpoint and its bulk delete all
  deleted it; an attachment was deleted with it from the live page, a document or image
  block was left pointing at nothing — and the page kept serving under its approval code.
* Renaming an approved document: its title is what reps, buyers and PDFs show for an
  attachment or document block without a label of its own, so a marketer changed the
  words of approved content without review.
"""

import json

from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from wagtail.models import Page

import pytest

from assets.models import EnablementAssetPage
from reviews.integrity import live_problem
from tests.assets.factories import EnablementAssetFactory, attach
from tests.reviews.factories import submit
from tests.security.test_file_routes import (  # noqa: F401 - fixtures
    Document,
    Image,
    approved_attachment,
    approved_image,
    edit_form_data,
    internal_collection,
    library,
    make_document,
    make_image,
    review_defaults,
    root_collection,
    signed_in,
    taxonomy,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def still_served_as_approved(asset):
    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    assert asset.live and asset.approval_code
    assert live_problem(asset) is None, "the live page must still be exactly what was approved"
    return asset


# Deleting a file that approved content uses ----------------------------------------------


def test_deleting_an_approved_attachment_is_refused_naming_what_uses_it(
    marketer, approved_attachment
):
    document, asset = approved_attachment
    client = signed_in(marketer)
    url = reverse("wagtaildocs:delete", args=[document.pk])

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtaildocs:edit", args=[document.pk])
    text = " ".join(messages_of(response))
    assert "“Cardiac rehab referral form” is used by approved content" in text
    assert f"“Cardiac rehab one-pager” ({asset.approval_label})" in text
    assert "can't be deleted" in text
    assert Document.objects.filter(pk=document.pk).exists()
    asset = still_served_as_approved(asset)
    assert [a.document_id for a in asset.attachments.all()] == [document.pk]


def test_the_delete_screen_says_why_before_anyone_confirms(marketer, approved_attachment):
    document, _asset = approved_attachment
    client = signed_in(marketer)

    response = client.get(reverse("wagtaildocs:delete", args=[document.pk]))

    assert response.status_code == 302
    assert "is used by approved content" in " ".join(messages_of(response))


def test_deleting_an_approved_image_is_refused(marketer, approved_image):
    image, asset = approved_image
    client = signed_in(marketer)

    response = client.post(reverse("wagtailimages:delete", args=[image.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailimages:edit", args=[image.pk])
    assert "“Rehab gym” is used by approved content" in " ".join(messages_of(response))
    assert Image.objects.filter(pk=image.pk).exists()
    still_served_as_approved(asset)


@pytest.mark.parametrize("kind", ["document", "image"])
def test_the_multiple_upload_delete_endpoint_refuses_locked_files(
    kind, marketer, approved_attachment, approved_image
):
    locked, asset = approved_attachment if kind == "document" else approved_image
    name = "wagtaildocs:delete_multiple" if kind == "document" else "wagtailimages:delete_multiple"
    client = signed_in(marketer)

    response = client.post(reverse(name, args=[locked.pk]))

    assert response.status_code == 403
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert "is used by approved content" in answer["error_message"]
    assert type(locked).objects.filter(pk=locked.pk).exists()
    still_served_as_approved(asset)


@pytest.mark.parametrize("kind", ["document", "image"])
def test_bulk_delete_refuses_files_approved_content_uses(
    kind, marketer, approved_attachment, approved_image, root_collection
):
    locked, asset = approved_attachment if kind == "document" else approved_image
    model = type(locked)
    free = (
        make_document("Unused draft form", root_collection)
        if kind == "document"
        else make_image("Unused photo", root_collection)
    )
    url = reverse(
        "wagtail_bulk_action", args=[model._meta.app_label, model._meta.model_name, "delete"]
    )
    client = signed_in(marketer)

    response = client.post(f"{url}?id={locked.pk}&id={free.pk}&next=/admin/")

    assert response.status_code == 302
    text = " ".join(messages_of(response))
    assert f"“{locked.title}” is used by approved content" in text
    assert "Nothing was deleted." in text
    assert model.objects.filter(pk__in=[locked.pk, free.pk]).count() == 2
    still_served_as_approved(asset)


def test_a_script_cannot_delete_a_locked_file(approved_attachment, approved_image):
    document, asset = approved_attachment
    image, _ = approved_image

    # Each in its own transaction, as a script's would be: the refusal rolls it back.
    with pytest.raises(PermissionDenied, match="can't be deleted"), transaction.atomic():
        document.delete()
    with pytest.raises(PermissionDenied, match="can't be deleted"), transaction.atomic():
        Document.objects.filter(pk=document.pk).delete()
    with pytest.raises(PermissionDenied, match="can't be deleted"), transaction.atomic():
        image.delete()

    assert Document.objects.filter(pk=document.pk).exists()
    assert Image.objects.filter(pk=image.pk).exists()
    still_served_as_approved(asset)


def test_a_file_in_review_cannot_be_deleted(marketer, taxonomy, internal_collection):
    document = make_document("Intake checklist", internal_collection)
    asset = EnablementAssetFactory(title="Intake guide", audience="internal", **taxonomy)
    attach(asset, document)
    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    asset.save_revision(user=marketer)
    submit(asset, user=marketer)
    client = signed_in(marketer)

    response = client.post(reverse("wagtaildocs:delete", args=[document.pk]))

    assert "is used by content in review: “Intake guide” (in review)" in " ".join(
        messages_of(response)
    )
    assert Document.objects.filter(pk=document.pk).exists()


def test_files_nobody_approved_can_still_be_deleted(marketer, root_collection):
    document = make_document("Old draft form", root_collection)
    image = make_image("Old photo", root_collection)
    client = signed_in(marketer)

    assert client.post(reverse("wagtaildocs:delete", args=[document.pk])).status_code == 302
    assert client.post(reverse("wagtailimages:delete", args=[image.pk])).status_code == 302

    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Image.objects.filter(pk=image.pk).exists()


def test_deleting_the_content_first_frees_the_file(admin_user, approved_attachment):
    """Deleting the approved page (admin) takes its lock away; the file can go after it."""
    document, asset = approved_attachment
    Page.objects.get(pk=asset.pk).delete()

    document.delete()

    assert not Document.objects.filter(pk=document.pk).exists()


# Renaming a document that approved content shows by its title ---------------------------


def test_renaming_a_document_shown_by_its_title_in_approved_content_is_refused(
    marketer, rep, approved_attachment
):
    document, asset = approved_attachment
    client = signed_in(marketer)
    url = reverse("wagtaildocs:edit", args=[document.pk])

    response = client.post(
        url, edit_form_data(client, url, title="Guaranteed same-day cardiac rehab")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["title"]
    assert "is used by approved content" in errors[0]
    document.refresh_from_db()
    assert document.title == "Cardiac rehab referral form"
    page = signed_in(rep).get(asset.url)
    assert "Guaranteed same-day" not in page.content.decode()


def test_a_script_cannot_rename_a_locked_document(approved_attachment):
    document, _asset = approved_attachment

    document.title = "Guaranteed same-day cardiac rehab"
    with pytest.raises(PermissionDenied, match="is used by approved content"):
        document.save()
