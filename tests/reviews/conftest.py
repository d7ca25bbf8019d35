"""Every review test starts from the real defaults: workflows assigned, a home page."""

import pytest

from reviews.services import assign_default_workflows


@pytest.fixture(autouse=True)
def review_defaults(db, home_page):
    assign_default_workflows()
    return home_page


@pytest.fixture
def second_reviewer(db):
    from tests.reviews.factories import make_reviewer

    return make_reviewer("compliance2")
