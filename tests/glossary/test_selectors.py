"""Reading stored content in bulk: every version to check, the same findings as one by one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cms.models import ServiceLinePage
from glossary.checking import check_object, check_stored
from glossary.matching import get_matcher
from glossary.selectors import DRAFT, LIVE, channel_of, content_models, stored_versions
from tests.glossary.factories import MessageFactory
from tests.reviews.factories import approve_now


@pytest.fixture
def document(db):
    from django.core.files.base import ContentFile

    from wagtail.documents import get_document_model

    return get_document_model().objects.create(
        title="Leaflet", file=ContentFile(b"data", name="leaflet.pdf")
    )


@pytest.fixture
def assets(home_page, cardiology, orthopedics, rehab_term, document):
    from tests.assets.factories import EnablementAssetFactory, attach

    made = []
    for number in range(4):
        asset = EnablementAssetFactory(
            title=f"One-pager {number}",
            service_lines=[cardiology] if number % 2 else [orthopedics, cardiology],
            body=[("paragraph", f"<p>Refer to heart rehab, take {number}.</p>")],
        )
        attach(asset, document, label=f"Cardiac rehab leaflet {number}")
        approve_now(asset)
        made.append(asset)
    return made


def test_bulk_loading_gives_the_same_findings_as_checking_each_object(assets, cardiology):
    page = ServiceLinePage(
        title="Heart care", slug="heart-care", service_line=cardiology, intro="Heart rehab."
    )
    assets[0].get_parent().get_parent().add_child(instance=page)
    approve_now(page)
    MessageFactory(text="Heart rehab is close.", service_lines=[cardiology])
    versions = list(stored_versions())
    assert versions
    for stored in versions:
        assert check_stored(stored) == check_object(stored.obj), stored.source
    (first_asset,) = [stored for stored in versions if stored.live_object.pk == assets[0].pk]
    paths = [finding.path for finding in check_stored(first_asset)]
    assert paths == ["body[0].paragraph", "attachments[0].label"]


def test_bulk_loading_needs_the_same_queries_for_more_objects(assets, cardiology):
    from assets.models import EnablementAssetPage

    def queries():
        matcher = get_matcher()  # once per run, as the report and the command do
        with CaptureQueriesContext(connection) as captured:
            for stored in stored_versions(live_only=True, models=[EnablementAssetPage]):
                check_stored(stored, matcher=matcher)
        return len(captured)

    before = queries()
    from tests.assets.factories import EnablementAssetFactory

    for _ in range(3):
        approve_now(EnablementAssetFactory(service_lines=[cardiology]))
    assert queries() == before


def test_live_versions_and_latest_drafts(cardiology):
    published = MessageFactory(title="Live", service_lines=[cardiology], approved=True)
    changed = MessageFactory(title="Changed", service_lines=[cardiology], approved=True)
    approved_text = changed.text
    draft = type(changed).objects.get(pk=changed.pk)
    draft.text = "Edited in a draft."
    draft.save_revision()
    MessageFactory(title="Never published", service_lines=[cardiology])
    from cms.models import ApprovedMessage

    versions = [
        (stored.live_object.title, stored.version, stored.obj.text)
        for stored in stored_versions(models=[ApprovedMessage])
    ]
    assert versions == [
        ("Live", LIVE, published.text),
        ("Changed", LIVE, approved_text),
        ("Changed", DRAFT, "Edited in a draft."),
        ("Never published", DRAFT, "Most referred patients are seen within five business days."),
    ]
    live_only = [
        stored.version for stored in stored_versions(live_only=True, models=[ApprovedMessage])
    ]
    assert live_only == [LIVE, LIVE]


def test_every_content_type_is_checked_and_placed():
    labels = {model._meta.label for model in content_models()}
    assert {
        "cms.ApprovedMessage",
        "cms.HomePage",
        "cms.ServiceLinePage",
        "glossary.GlossaryTerm",
        "assets.EnablementAssetPage",
        "assets.TalkTrackPage",
        "assets.Objection",
    } <= labels
    from django.apps import apps

    channels = {label: channel_of(apps.get_model(label)) for label in labels}
    assert channels["cms.ServiceLinePage"] == "public"
    assert channels["assets.EnablementAssetPage"] == "sales"
    assert channels["assets.Objection"] == "sales"
    assert channels["cms.ApprovedMessage"] == "shared"
    assert channels["glossary.GlossaryTerm"] == "shared"
