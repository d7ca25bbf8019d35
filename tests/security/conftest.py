"""A small world for the security tests: public and internal content, one of each kind.

Everything the permission matrix, the leak crawl and the hostile-input tests touch is
made here with the real factories, and content reaches "live" the way the tests of
its owners do (published and stamped directly: tests only).
"""

from django.core.files.base import ContentFile

from wagtail.documents.models import Document
from wagtail.models import Collection

import pytest

from assets.services import ensure_internal_collection, ensure_library
from cms.models import ServiceLinePage
from tests.assets.factories import (
    EnablementAssetFactory,
    ObjectionFactory,
    TalkTrackFactory,
    attach,
)
from tests.assets.pdf_support import stub_pdf_renderer  # noqa: F401 - a fixture
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory
from tests.glossary.factories import GlossaryTermFactory, MessageFactory
from tests.reviews.factories import approve_now

# Words that appear only in internal content: the leak crawl looks for each of them.
INTERNAL_MARKERS = {
    "asset_title": "Quokka referral playbook",
    "asset_body": "Zanzibar margin guidance for the regional director",
    "talk_track_title": "Platypus discovery call",
    "talk_track_opener": "Wombat opener about our contract renewal",
    "objection": "Narwhal pricing objection from the buyer",
    "objection_response": "Axolotl discount ladder stays confidential",
    "document_title": "Pangolin internal price sheet",
    "document_body": "PANGOLIN-CONFIDENTIAL-RATE-CARD",
}


class World:
    """Handles to the objects a test needs (pages, documents, snippets)."""


@pytest.fixture
def world(home_page):
    from reviews.models import ReviewRoute
    from reviews.services import assign_default_workflows

    world = World()
    world.home = home_page
    world.cardiology = ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")
    world.stage = JourneyStageFactory(slug="awareness", name="Awareness", order=1)
    world.segment = SegmentFactory(slug="referring-physician", name="Referring physician")
    world.library = ensure_library(home=home_page)
    taxonomy = {
        "service_lines": [world.cardiology],
        "stages": [world.stage],
        "segments": [world.segment],
    }

    world.public_page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=world.cardiology,
        intro="Heart care close to home, with a named nurse from referral onwards.",
        live=False,
    )
    home_page.add_child(instance=world.public_page)
    approve_now(world.public_page)

    world.asset = EnablementAssetFactory(
        title=INTERNAL_MARKERS["asset_title"],
        slug="quokka-referral-playbook",
        summary="Who to call first.",
        body=[("paragraph", f"<p>{INTERNAL_MARKERS['asset_body']}.</p>")],
        approved=True,
        **taxonomy,
    )
    world.talk_track = TalkTrackFactory(
        title=INTERNAL_MARKERS["talk_track_title"],
        slug="platypus-discovery-call",
        opener=INTERNAL_MARKERS["talk_track_opener"],
        approved=True,
        **taxonomy,
    )
    world.objection = ObjectionFactory(
        verbatim=INTERNAL_MARKERS["objection"],
        approved_response=INTERNAL_MARKERS["objection_response"],
        **taxonomy,
    )
    world.message = MessageFactory(service_lines=[world.cardiology], approved=True)
    world.term = GlossaryTermFactory(service_line=world.cardiology, approved=True)

    world.internal_document = Document.objects.create(
        title=INTERNAL_MARKERS["document_title"],
        file=ContentFile(
            f"%PDF-1.4 {INTERNAL_MARKERS['document_body']}".encode(), name="price-sheet.pdf"
        ),
        collection=ensure_internal_collection(),
    )
    world.attachment = attach(world.asset, world.internal_document, label="Price sheet")
    world.public_document = Document.objects.create(
        title="Patient leaflet",
        file=ContentFile(b"%PDF-1.4 public leaflet", name="leaflet.pdf"),
        collection=Collection.get_first_root_node(),
    )

    assign_default_workflows()
    world.route = ReviewRoute.objects.first()
    return world
