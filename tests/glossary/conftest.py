"""Fixtures for the glossary tests: service lines and a small approved glossary."""

import pytest

from tests.glossary.factories import GlossaryTermFactory


@pytest.fixture
def rehab_term(cardiology):
    """Cardiology's approved program name, with two disallowed variants."""
    return GlossaryTermFactory(
        service_line=cardiology,
        preferred="Cardiac Rehabilitation Program",
        kind="program_name",
        variants="cardiac rehab\nheart rehab",
        approved=True,
    )


@pytest.fixture
def prior_auth_term(db):
    """A global approved term."""
    return GlossaryTermFactory(
        preferred="prior authorization", variants="pre-auth\nprior auth", approved=True
    )
