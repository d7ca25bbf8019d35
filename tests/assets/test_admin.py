"""The editing side: asset and talk-track forms, objections, approved messages' usage."""

from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from assets.models import EnablementAssetPage, Objection, TalkTrackPage
from assets.models.library import Kind
from assets.services import INTERNAL_COLLECTION, objection_log
from tests.assets.factories import EnablementAssetFactory, ObjectionFactory, TalkTrackFactory
from tests.cms.factories import ApprovedMessageFactory

pytestmark = pytest.mark.django_db


def add_url(model, library):
    return reverse("wagtailadmin_pages:add", args=["assets", model._meta.model_name, library.pk])


def asset_form(cardiology, awareness, physician, **overrides):
    data = {
        "title": "Heart Failure Clinic one-pager",
        "slug": "hf-one-pager",
        "kind": Kind.ONE_PAGER,
        "audience": "external",
        "purpose": "booking",
        "summary": "What the clinic does.",
        "body": streamfield([]),
        "attachments": inline_formset([]),
        "service_lines": [cardiology.pk],
        "stages": [awareness.pk],
        "segments": [physician.pk],
        "tags": "heart-failure",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return with_lists(data)


def with_lists(data):
    """nested_form_data, keeping plain lists as multi-valued fields (checkboxes)."""
    lists = {key: value for key, value in data.items() if isinstance(value, list)}
    form = nested_form_data({key: value for key, value in data.items() if key not in lists})
    form.update(lists)
    return form


def test_marketer_creates_an_asset_draft(
    marketer_client, library, cardiology, awareness, physician
):
    response = marketer_client.get(add_url(EnablementAssetPage, library))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="talk-track"' not in body  # talk tracks are their own page type
    assert "Not approved yet" in body  # the approval stamp panel

    response = marketer_client.post(
        add_url(EnablementAssetPage, library), asset_form(cardiology, awareness, physician)
    )
    assert response.status_code == 302, response.context["form"].errors
    page = EnablementAssetPage.objects.get(slug="hf-one-pager")
    assert not page.live
    revision = page.latest_revision.as_object()
    assert [line.slug for line in revision.service_lines.all()] == ["cardiology"]
    assert [tag.name for tag in revision.tags.all()] == ["heart-failure"]


def test_taxonomy_is_required(marketer_client, library, cardiology, awareness, physician):
    response = marketer_client.post(
        add_url(EnablementAssetPage, library),
        asset_form(cardiology, awareness, physician, stages=[], segments=[]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "stages" in errors and "segments" in errors
    assert not EnablementAssetPage.objects.exists()


def test_internal_files_must_be_in_a_restricted_collection(
    marketer_client, library, cardiology, awareness, physician
):
    Document = get_document_model()
    public = Document.objects.create(
        title="Price list",
        file=ContentFile(b"x", name="prices.pdf"),
        collection=Collection.get_first_root_node(),
    )
    internal = Document.objects.create(
        title="Internal price list",
        file=ContentFile(b"x", name="internal.pdf"),
        collection=Collection.objects.get(name=INTERNAL_COLLECTION),
    )
    for document, ok in ((public, False), (internal, True)):
        response = marketer_client.post(
            add_url(EnablementAssetPage, library),
            asset_form(
                cardiology,
                awareness,
                physician,
                audience="internal",
                slug=f"internal-{document.pk}",
                attachments=inline_formset([{"document": document.pk, "label": ""}]),
            ),
        )
        if ok:
            assert response.status_code == 302
        else:
            assert response.status_code == 200
            assert "is in a public collection" in response.content.decode()


def test_a_talk_track_is_for_exactly_one_combination(
    marketer_client, library, cardiology, orthopedics, awareness, physician
):
    data = {
        "title": "Intro call",
        "slug": "intro-call",
        "summary": "First call.",
        "purpose": "booking",
        "service_lines": [cardiology.pk, orthopedics.pk],
        "stages": [awareness.pk],
        "segments": [physician.pk],
        "tags": "",
        "opener": "Hello.",
        "discovery_questions": streamfield([]),
        "key_messages": streamfield([("talking_point", "Lead with access.")]),
        "next_step": "Book a call.",
        "nurture_next_step": "",
        "linked_objections": inline_formset([]),
        "linked_assets": inline_formset([]),
        "comments": inline_formset([]),
    }
    url = add_url(TalkTrackPage, library)
    response = marketer_client.post(url, with_lists(data))
    assert response.status_code == 200
    assert "Pick exactly one service line" in response.content.decode()

    data["service_lines"] = [cardiology.pk]
    response = marketer_client.post(url, with_lists(data))
    assert response.status_code == 302
    track = TalkTrackPage.objects.get(slug="intro-call")
    assert track.kind == Kind.TALK_TRACK and track.audience == "internal"


@pytest.mark.parametrize("mode", ["", "pdf"], ids=["page", "pdf"])
@pytest.mark.usefixtures("stub_pdf_renderer")
def test_a_new_unsaved_asset_previews(
    marketer_client, library, cardiology, awareness, physician, mode
):
    """Wagtail's preview of a page that was never saved (Page mode was a 500,
    looking up objections linked to a page with no row)."""
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["assets", "enablementassetpage", library.pk],
    )
    document = get_document_model().objects.create(
        title="Intake form",
        file=ContentFile(b"%PDF-1.4 intake", name="intake.pdf"),
        collection=Collection.objects.get(name=INTERNAL_COLLECTION),
    )
    data = asset_form(
        cardiology,
        awareness,
        physician,
        audience="internal",
        body=streamfield([("paragraph", '{"blocks":[],"entityMap":{}}')]),
        attachments=inline_formset([{"document": document.pk, "label": "Intake"}]),
    )
    response = marketer_client.post(url, data)
    assert response.status_code == 200 and response.json()["is_valid"]
    response = marketer_client.get(url, {"mode": mode})
    assert response.status_code == 200
    if mode == "pdf":
        assert response["Content-Type"] == "application/pdf"
    else:
        assert "Heart Failure Clinic one-pager" in response.content.decode()
    assert not EnablementAssetPage.objects.exists()


def test_a_new_unsaved_talk_track_previews(
    marketer_client, library, cardiology, awareness, physician
):
    url = reverse("wagtailadmin_pages:preview_on_add", args=["assets", "talktrackpage", library.pk])
    data = {
        "title": "Intro call",
        "slug": "intro-call",
        "summary": "First call.",
        "purpose": "booking",
        "service_lines": [cardiology.pk],
        "stages": [awareness.pk],
        "segments": [physician.pk],
        "tags": "",
        "opener": "Hello.",
        "discovery_questions": streamfield([]),
        "key_messages": streamfield([("talking_point", "Lead with access.")]),
        "next_step": "Book a call.",
        "nurture_next_step": "",
        "linked_objections": inline_formset([]),
        "linked_assets": inline_formset([]),
        "comments": inline_formset([]),
    }
    assert marketer_client.post(url, with_lists(data)).json()["is_valid"]
    response = marketer_client.get(url)
    assert response.status_code == 200
    assert "Intro call" in response.content.decode()


def test_approval_kind_codes_follow_the_kind(library):
    expected = {
        Kind.ONE_PAGER: "OP",
        Kind.FAQ: "FAQ",
        Kind.CASE_STUDY: "CS",
        Kind.EMAIL_TEMPLATE: "EM",
        Kind.REFERRAL_INTAKE_GUIDE: "RIG",
        Kind.PITCH_DECK: "DECK",
        Kind.CHECKLIST: "CL",
    }
    for kind, code in expected.items():
        assert EnablementAssetPage(kind=kind).approval_kind_code == code
    assert TalkTrackPage().approval_kind_code == "TT"
    assert Objection().approval_kind_code == "OBJ"
    assert isinstance(EnablementAssetPage.approval_kind_code, str)
    assert TalkTrackFactory().get_review_audience() == "internal"
    assert EnablementAssetFactory(audience="public").get_review_audience() == "public"


def test_page_edit_views_load(marketer_client, library):
    for page in (EnablementAssetFactory(approved=True), TalkTrackFactory()):
        response = marketer_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200


def test_objection_admin_edit_and_duplicate_merge(
    marketer_client, rep, cardiology, awareness, physician
):
    where = {"service_line": cardiology, "stage": awareness, "segment": physician}
    kept, _ = objection_log(user=rep, verbatim="Too far to drive", **where)
    duplicate, _ = objection_log(user=rep, verbatim="The clinic is too far away", **where)
    listing = marketer_client.get("/admin/snippets/assets/objection/")
    assert listing.status_code == 200
    assert reverse("assets_objection_merge", args=[duplicate.pk]) in listing.content.decode()
    edit = marketer_client.get(reverse("wagtailsnippets_assets_objection:edit", args=[kept.pk]))
    assert edit.status_code == 200

    url = reverse("assets_objection_merge", args=[duplicate.pk])
    assert marketer_client.get(url).status_code == 200
    response = marketer_client.post(url, {"into": kept.pk})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.times_heard == 2


def test_reps_cannot_merge_objections(rep_client, rep, cardiology, awareness, physician):
    objection = ObjectionFactory(service_lines=[cardiology])
    url = reverse("assets_objection_merge", args=[objection.pk])
    assert rep_client.get(url).status_code in (302, 403)


def test_where_an_approved_message_is_used_is_visible(marketer_client, library):
    message = ApprovedMessageFactory(title="First visit")
    asset = EnablementAssetFactory(
        title="HF one-pager", body=[("approved_message", message)], approved=True
    )
    track = TalkTrackFactory(
        title="HF intro", key_messages=[("approved_message", message)], approved=True
    )
    referrers = {reference.object_id for reference in ReferenceIndex.get_references_to(message)}
    assert {str(asset.pk), str(track.pk)} <= referrers

    usage = marketer_client.get(
        reverse("wagtailsnippets_cms_approvedmessage:usage", args=[message.pk])
    )
    assert "HF one-pager" in usage.content.decode()
    assert "HF intro" in usage.content.decode()
    listing = marketer_client.get("/admin/snippets/cms/approvedmessage/").content.decode()
    assert "Used 2 times" in listing


def test_objection_preview_renders_the_draft_response(library, cardiology):
    objection = ObjectionFactory(
        verbatim="Is parking free?", approved_response="Yes, for the first two hours."
    )
    response = objection.make_preview_request()
    assert response.status_code == 200
    body = response.content.decode()
    assert "Is parking free?" in body and "Yes, for the first two hours." in body
