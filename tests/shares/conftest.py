"""Fixtures for share links: a rep, approved items for buyers and for reps only, and
``make_share`` (through the real service, as the rep's form and the API do)."""

import pytest

from assets.services import ensure_library
from cms import roles
from shares import services
from tests.assets.factories import EnablementAssetFactory
from tests.assets.pdf_support import stub_pdf_renderer  # noqa: F401 - a fixture
from tests.cms.factories import JourneyStageFactory, SegmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def library(home_page):
    return ensure_library(home=home_page)


@pytest.fixture
def evaluation(db):
    return JourneyStageFactory(slug="evaluation", name="Evaluation", order=3)


@pytest.fixture
def physician(db):
    return SegmentFactory(slug="referring-physician", name="Referring physician")


@pytest.fixture
def rep(db):
    return UserFactory(
        username="rep",
        first_name="Riley",
        last_name="Rep",
        email="riley.rep@concord.test",
        groups=[roles.SALES_REPS],
    )


@pytest.fixture
def other_rep(db):
    return UserFactory(username="rep2", email="sam@concord.test", groups=[roles.SALES_REPS])


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def _asset(title, body_text, **kwargs):
    return EnablementAssetFactory(
        title=title,
        summary=f"Summary of {title}.",
        body=[("paragraph", f"<p>{body_text}</p>")],
        approved=True,
        **kwargs,
    )


@pytest.fixture
def one_pager(library, cardiology, evaluation, physician):
    return _asset(
        "Heart Failure Clinic one-pager",
        "Referrals are seen within 10 business days.",
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
    )


@pytest.fixture
def case_study(library, cardiology, evaluation, physician):
    return _asset(
        "Cardiac rehabilitation case study",
        "Completion rose after the navigator program began.",
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
        kind="case-study",
        audience="public",
    )


@pytest.fixture
def internal_item(library, cardiology, evaluation, physician):
    return _asset(
        "Cardiology pricing sheet for reps",
        "Internal margins by payer.",
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
        audience="internal",
    )


@pytest.fixture
def make_share(rep):
    def make(*pages, recipient="Dr. Ana Lee", organisation="Riverside Family Medicine", **extra):
        return services.create_share(
            user=extra.pop("user", rep),
            pages=list(pages),
            recipient=recipient,
            organisation=organisation,
            **extra,
        )

    return make
