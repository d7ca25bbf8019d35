"""The files approved content uses, attacked over HTTP: locked, and as private as it is.

A document or image used by approved, live content (or by the revision in
review) can't have its file replaced or be moved to another collection: not from its
edit form, not by a bulk "add to collection", not by a script.

Internal content may only use files in a restricted collection, and public
or external content only files everyone can open; checked when the page is saved in
the admin and again by the terminology gate when it is submitted.

Content is approved the real way (``submit`` then ``approve``), never published by hand.
"""

from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from assets.models import EnablementAssetPage
from assets.models.library import Kind
from assets.services import ensure_internal_collection, ensure_library
from cms.blocks import RICH_TEXT_FEATURES
from cms.models import ServiceLinePage
from reviews.services import assign_default_workflows
from tests.assets.factories import EnablementAssetFactory, attach
from tests.cms.factories import JourneyStageFactory, SegmentFactory
from tests.reviews.factories import approve, submit

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()


# The world ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def review_defaults(home_page):
    assign_default_workflows()
    return home_page


@pytest.fixture
def library(home_page):
    return ensure_library(home=home_page)


@pytest.fixture
def taxonomy(cardiology):
    return {
        "service_lines": [cardiology],
        "stages": [JourneyStageFactory(slug="awareness", name="Awareness", order=1)],
        "segments": [SegmentFactory(slug="referring-physician", name="Referring physician")],
    }


@pytest.fixture
def root_collection(db):
    return Collection.get_first_root_node()


@pytest.fixture
def internal_collection(db):
    return ensure_internal_collection()


def make_document(title, collection, name="form.pdf"):
    return Document.objects.create(
        title=title,
        file=ContentFile(f"%PDF-1.4 {title}".encode(), name=name),
        collection=collection,
    )


def make_image(title, collection, name="photo.png"):
    return Image.objects.create(
        title=title, file=get_test_image_file(filename=name), collection=collection
    )


def approved_asset(*, author, reviewer, taxonomy, attachments=(), **fields):
    """An asset taken through the real workflow: saved by ``author``, approved."""
    fields.setdefault("title", "Cardiac rehab one-pager")
    asset = EnablementAssetFactory(**fields, **taxonomy)
    for document in attachments:
        attach(asset, document)
    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    asset.save_revision(user=author)
    submit(asset, user=author)
    approve(asset, user=reviewer)
    asset.refresh_from_db()
    assert asset.live and asset.approval_code, "the asset should be approved and live"
    return asset


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit_form_data(client, url, **changes):
    """The edit form's current values (as the browser would send them) plus ``changes``."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        if name == "file":
            continue
        value = form[name].value()
        if value is None:
            value = ""
        if hasattr(field, "queryset") and hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    data.update(changes)
    return data


def new_pdf(text="replaced"):
    return SimpleUploadedFile(
        "referral-form-v2.pdf", f"%PDF-1.4 {text}".encode(), content_type="application/pdf"
    )


def new_png():
    upload = get_test_image_file(filename="replacement.png", colour="red")
    return SimpleUploadedFile("replacement.png", upload.file.getvalue(), content_type="image/png")


def page_text(response):
    return response.content.decode()


# Route 3: approved files are immutable ----------------------------------------------------


@pytest.fixture
def approved_attachment(marketer, reviewer, taxonomy, internal_collection):
    document = make_document("Cardiac rehab referral form", internal_collection)
    asset = approved_asset(
        author=marketer,
        reviewer=reviewer,
        taxonomy=taxonomy,
        audience="internal",
        attachments=[document],
    )
    return document, asset


def test_replacing_the_file_of_an_approved_attachment_is_refused_naming_what_uses_it(
    marketer, approved_attachment
):
    document, asset = approved_attachment
    original = document.file.name
    client = signed_in(marketer)
    url = reverse("wagtaildocs:edit", args=[document.pk])

    response = client.post(url, edit_form_data(client, url, file=new_pdf()))

    assert response.status_code == 200
    assert (
        f"“Cardiac rehab referral form” is used by approved content: “Cardiac rehab "
        f"one-pager” ({asset.approval_label}). Upload the new version as a new document "
        "and update that content, which then goes through review."
    ) in page_text(response)
    document.refresh_from_db()
    assert document.file.name == original
    assert document.file.read() == b"%PDF-1.4 Cardiac rehab referral form"


def test_moving_an_approved_internal_attachment_to_a_public_collection_is_refused(
    marketer, approved_attachment, root_collection
):
    document, asset = approved_attachment
    client = signed_in(marketer)
    url = reverse("wagtaildocs:edit", args=[document.pk])

    response = client.post(url, edit_form_data(client, url, collection=root_collection.pk))

    assert response.status_code == 200
    assert "is used by approved content: “Cardiac rehab one-pager”" in page_text(response)
    document.refresh_from_db()
    assert document.collection.name == "Internal sales material"
    # So an anonymous visitor still can't download it.
    assert Client().get(document.url).status_code in (302, 403)


def test_tags_of_an_approved_document_stay_editable(marketer, approved_attachment):
    """Its title is locked (readers see it: tests/security/test_attack_routes.py), its
    tags aren't."""
    document, _asset = approved_attachment
    client = signed_in(marketer)
    url = reverse("wagtaildocs:edit", args=[document.pk])

    response = client.post(url, edit_form_data(client, url, tags="rehab, referral"))

    assert response.status_code == 302
    document.refresh_from_db()
    assert sorted(document.tags.names()) == ["referral", "rehab"]


@pytest.fixture
def approved_image(marketer, reviewer, taxonomy, root_collection):
    image = make_image("Rehab gym", root_collection)
    asset = approved_asset(
        author=marketer,
        reviewer=reviewer,
        taxonomy=taxonomy,
        audience="external",
        title="Rehab gym tour",
        body=[("image", {"image": image, "alt_text": "The rehab gym", "decorative": False})],
    )
    return image, asset


def test_replacing_an_image_used_by_approved_content_is_refused(marketer, approved_image):
    image, asset = approved_image
    original = image.file.name
    client = signed_in(marketer)
    url = reverse("wagtailimages:edit", args=[image.pk])

    response = client.post(url, edit_form_data(client, url, file=new_png()))

    assert response.status_code == 200
    assert (
        f"“Rehab gym” is used by approved content: “Rehab gym tour” ({asset.approval_label}). "
        "Upload the new version as a new image and update that content"
    ) in page_text(response)
    image.refresh_from_db()
    assert image.file.name == original


def test_moving_an_image_used_by_approved_content_is_refused(
    marketer, approved_image, internal_collection
):
    image, _asset = approved_image
    client = signed_in(marketer)
    url = reverse("wagtailimages:edit", args=[image.pk])

    response = client.post(url, edit_form_data(client, url, collection=internal_collection.pk))

    assert response.status_code == 200
    assert "is used by approved content: “Rehab gym tour”" in page_text(response)
    image.refresh_from_db()
    assert image.collection.is_root()


def test_the_files_of_a_revision_in_review_are_locked_too(marketer, taxonomy, internal_collection):
    """The live row doesn't use the file yet; the revision a reviewer is looking at does."""
    document = make_document("Rehab intake checklist", internal_collection)
    asset = EnablementAssetFactory(
        title="Rehab intake guide", audience="internal", kind=Kind.CHECKLIST, **taxonomy
    )
    draft = asset.get_latest_revision_as_object()
    draft.body = [("document", {"document": document, "label": ""})]
    draft.save_revision(user=marketer)
    submit(asset, user=marketer)
    client = signed_in(marketer)
    url = reverse("wagtaildocs:edit", args=[document.pk])

    response = client.post(url, edit_form_data(client, url, file=new_pdf()))

    assert response.status_code == 200
    assert (
        "“Rehab intake checklist” is used by content in review: “Rehab intake guide” (in review)"
    ) in page_text(response)


def test_files_nobody_approved_can_still_be_replaced_and_moved(
    marketer, taxonomy, root_collection, internal_collection
):
    document = make_document("Draft referral form", internal_collection)
    draft = EnablementAssetFactory(title="Draft only", audience="internal", **taxonomy)
    attach(draft, document)
    client = signed_in(marketer)
    url = reverse("wagtaildocs:edit", args=[document.pk])

    response = client.post(url, edit_form_data(client, url, file=new_pdf("v2")))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.read() == b"%PDF-1.4 v2"

    response = client.post(url, edit_form_data(client, url, collection=root_collection.pk))
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["document", "image"])
def test_bulk_add_to_collection_refuses_files_approved_content_uses(
    kind, marketer, approved_attachment, approved_image, root_collection, internal_collection
):
    locked, _asset = approved_attachment if kind == "document" else approved_image
    target = root_collection if kind == "document" else internal_collection
    before = locked.collection_id
    model = type(locked)
    url = reverse(
        "wagtail_bulk_action",
        args=[model._meta.app_label, model._meta.model_name, "add_to_collection"],
    )
    client = signed_in(marketer)

    response = client.post(
        f"{url}?id={locked.pk}&next=/admin/", {"collection": target.pk}, follow=False
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(f"“{locked.title}” is used by approved content" in text for text in messages)
    locked.refresh_from_db()
    assert locked.collection_id == before


def test_a_script_cannot_replace_or_move_a_locked_file(approved_attachment, root_collection):
    document, _asset = approved_attachment

    document.file = ContentFile(b"%PDF-1.4 swapped", name="swapped.pdf")
    with pytest.raises(PermissionDenied, match="is used by approved content"):
        document.save()

    document = Document.objects.get(pk=document.pk)
    document.collection = root_collection
    with pytest.raises(PermissionDenied, match="is used by approved content"):
        document.save()

    document.refresh_from_db()
    assert document.collection.name == "Internal sales material"
    assert document.file.read() == b"%PDF-1.4 Cardiac rehab referral form"


def test_a_script_cannot_replace_an_approved_image(approved_image):
    image, _asset = approved_image
    image.file = get_test_image_file(filename="swapped.png", colour="blue")
    with pytest.raises(PermissionDenied, match="is used by approved content"):
        image.save()


# Route 4: file privacy follows the content --------------------------------------------


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def with_lists(data):
    lists = {key: value for key, value in data.items() if isinstance(value, list)}
    form = nested_form_data({key: value for key, value in data.items() if key not in lists})
    form.update(lists)
    return form


def asset_form(taxonomy, **overrides):
    data = {
        "title": "Cardiac rehab one-pager",
        "slug": "cardiac-rehab-one-pager",
        "kind": Kind.ONE_PAGER,
        "audience": "internal",
        "purpose": "booking",
        "summary": "What cardiac rehabilitation offers.",
        "body": streamfield([]),
        "attachments": inline_formset([]),
        "service_lines": [line.pk for line in taxonomy["service_lines"]],
        "stages": [stage.pk for stage in taxonomy["stages"]],
        "segments": [segment.pk for segment in taxonomy["segments"]],
        "tags": "",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return with_lists(data)


def document_link(document):
    return rich_text(
        f'<p>Send the <a linktype="document" id="{document.pk}">referral form</a>.</p>',
        features=RICH_TEXT_FEATURES,
    )


@pytest.mark.parametrize(
    "where",
    ["document block", "rich-text link", "image block", "attachment"],
)
def test_an_internal_asset_may_not_use_a_file_from_a_public_collection(
    where, marketer, library, taxonomy, root_collection
):
    public_document = make_document("Cardiac rehab referral form", root_collection)
    public_image = make_image("Rehab gym", root_collection)
    body, attachments, path, title = {
        "document block": (
            [("document", {"document": public_document.pk, "label": ""})],
            [],
            "body[0].document.document",
            "Cardiac rehab referral form",
        ),
        "rich-text link": (
            [("paragraph", document_link(public_document))],
            [],
            "body[0].paragraph",
            "Cardiac rehab referral form",
        ),
        "image block": (
            [("image", {"image": public_image.pk, "alt_text": "Gym", "decorative": ""})],
            [],
            "body[0].image",
            "Rehab gym",
        ),
        "attachment": (
            [],
            [{"document": public_document.pk, "label": ""}],
            "attachments[0].document",
            "Cardiac rehab referral form",
        ),
    }[where]
    client = signed_in(marketer)

    response = client.post(
        add_url(EnablementAssetPage, library),
        asset_form(taxonomy, body=streamfield(body), attachments=inline_formset(attachments)),
    )

    assert response.status_code == 200, "the page must not be saved"
    text = page_text(response)
    assert f"{path}: “{title}” is in a public collection" in text
    assert not EnablementAssetPage.objects.filter(slug="cardiac-rehab-one-pager").exists()


def test_an_internal_asset_may_use_files_from_the_internal_collection(
    marketer, library, taxonomy, internal_collection
):
    document = make_document("Rehab price sheet", internal_collection)
    image = make_image("Rehab floor plan", internal_collection)
    client = signed_in(marketer)
    body = [
        ("document", {"document": document.pk, "label": ""}),
        ("paragraph", document_link(document)),
        ("image", {"image": image.pk, "alt_text": "Floor plan", "decorative": ""}),
    ]

    response = client.post(
        add_url(EnablementAssetPage, library),
        asset_form(
            taxonomy,
            body=streamfield(body),
            attachments=inline_formset([{"document": document.pk, "label": ""}]),
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    assert EnablementAssetPage.objects.filter(slug="cardiac-rehab-one-pager").exists()


@pytest.mark.parametrize("audience", ["external", "public"])
def test_external_and_public_assets_may_not_use_restricted_files(
    audience, marketer, library, taxonomy, internal_collection
):
    document = make_document("Rehab price sheet", internal_collection)
    client = signed_in(marketer)

    response = client.post(
        add_url(EnablementAssetPage, library),
        asset_form(
            taxonomy,
            audience=audience,
            body=streamfield([("document", {"document": document.pk, "label": ""})]),
        ),
    )

    assert response.status_code == 200
    assert (
        "body[0].document.document: “Rehab price sheet” is in the restricted collection "
        "“Internal sales material”"
    ) in page_text(response)


def test_editing_an_asset_to_internal_checks_its_existing_files(
    marketer, library, taxonomy, root_collection
):
    """Changing only the audience re-checks the files already in the body."""
    public_document = make_document("Patient leaflet", root_collection)
    asset = EnablementAssetFactory(
        title="Leaflet note",
        audience="external",
        body=[("document", {"document": public_document, "label": ""})],
        **taxonomy,
    )
    client = signed_in(marketer)
    data = asset_form(
        taxonomy,
        title="Leaflet note",
        slug=asset.slug,
        audience="internal",
        body=streamfield([("document", {"document": public_document.pk, "label": ""})]),
    )

    response = client.post(reverse("wagtailadmin_pages:edit", args=[asset.pk]), data)

    assert response.status_code == 200
    assert "body[0].document.document: “Patient leaflet” is in a public collection" in page_text(
        response
    )


def test_a_public_service_line_page_may_not_use_an_internal_image(
    marketer, home_page, cardiology, internal_collection
):
    image = make_image("Internal floor plan", internal_collection)
    client = signed_in(marketer)
    data = nested_form_data(
        {
            "title": "Heart care",
            "slug": "heart-care",
            "service_line": cardiology.pk,
            "intro": "Heart care close to home.",
            "body": streamfield(
                [("image", {"image": image.pk, "alt_text": "Plan", "decorative": ""})]
            ),
            "comments": inline_formset([]),
        }
    )

    response = client.post(add_url(ServiceLinePage, home_page), data)

    assert response.status_code == 200
    assert "body[0].image: “Internal floor plan” is in the restricted collection" in page_text(
        response
    )
    assert not ServiceLinePage.objects.filter(slug="heart-care").exists()


def test_the_gate_sends_back_a_revision_with_a_file_in_the_wrong_collection(
    marketer, taxonomy, root_collection
):
    """A revision saved without the admin form (a script, an API) is caught at review."""
    public_document = make_document("Cardiac rehab referral form", root_collection)
    asset = EnablementAssetFactory(title="Rehab playbook", audience="internal", **taxonomy)
    draft = asset.get_latest_revision_as_object()
    draft.body = [
        ("paragraph", f'<p>Use the <a linktype="document" id="{public_document.pk}">form</a>.</p>')
    ]
    draft.save_revision(user=marketer)

    submit(asset, user=marketer)

    state = WorkflowState.objects.get(object_id=str(asset.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    comment = (
        TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_REJECTED)
        .get()
        .comment
    )
    assert "body[0].paragraph: “Cardiac rehab referral form” is in a public collection" in comment


def test_an_approved_internal_attachment_never_reaches_an_anonymous_visitor(
    marketer, rep, approved_attachment
):
    document, asset = approved_attachment

    anonymous = Client().get(document.url)
    assert anonymous.status_code in (302, 403)
    if anonymous.status_code == 302:
        assert anonymous["Location"].startswith("/accounts/login/")
    assert signed_in(rep).get(document.url).status_code == 200
    download = f"{asset.url}download/{asset.attachments.get().pk}/"
    assert Client().get(download).status_code == 302
    assert Client().get(download, follow=True).redirect_chain[-1][0].startswith("/accounts/login/")
