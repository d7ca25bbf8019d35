"""Fixtures for the library tests: a small taxonomy, the library page, signed-in clients."""

import pytest

from assets.services import ensure_library
from cms.models import ServiceLine
from tests.assets.pdf_support import stub_pdf_renderer  # noqa: F401 - a fixture
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory


@pytest.fixture
def library(home_page):
    return ensure_library(home=home_page)


@pytest.fixture
def sleep(db):
    return ServiceLineFactory(
        slug="sleep-medicine",
        name="Sleep Medicine",
        code="SLEEP",
        capacity=ServiceLine.Capacity.PAUSED,
    )


@pytest.fixture
def awareness(db):
    return JourneyStageFactory(slug="awareness", name="Awareness", order=1)


@pytest.fixture
def evaluation(db):
    return JourneyStageFactory(slug="evaluation", name="Evaluation", order=3)


@pytest.fixture
def physician(db):
    return SegmentFactory(slug="referring-physician", name="Referring physician")


@pytest.fixture
def health_plan(db):
    return SegmentFactory(slug="health-plan", name="Health plan")


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def marketer_client(client, marketer):
    client.force_login(marketer)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The taxonomy is cached; tests roll the database back, so start each one clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
