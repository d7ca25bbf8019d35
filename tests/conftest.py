"""Fixtures shared by the whole suite: the demo roles' users and the site root."""

import pytest

from cms import roles
from tests.cms.factories import ServiceLineFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no glossary version or report of another test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def home_page(db):
    """A Concord HomePage as the default site's root, as ``seed_demo`` makes it."""
    from cms.demo import seed_site

    class _Context:
        home = None

    context = _Context()
    seed_site(context)
    return context.home


@pytest.fixture
def marketer(db):
    return UserFactory(username="marketer", groups=[roles.MARKETERS])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="compliance", groups=[roles.COMPLIANCE])


@pytest.fixture
def rep(db):
    return UserFactory(username="rep", groups=[roles.SALES_REPS])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def dual_role_user(db):
    """Someone who is both a marketer and a compliance reviewer."""
    return UserFactory(username="dual", groups=[roles.MARKETERS, roles.COMPLIANCE])


@pytest.fixture
def cardiology(db):
    return ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")


@pytest.fixture
def orthopedics(db):
    return ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH")
