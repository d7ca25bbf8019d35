"""seed_demo: a realistic organisation, loaded idempotently."""

from django.contrib.auth import authenticate
from django.test import RequestFactory

import pytest

from cms.models import HomePage, JourneyStage, Segment, ServiceLine, User
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=False)


def sign_in_request():
    """Sign-in throttling (django-axes) needs the request it counts failures for."""
    return RequestFactory().post("/accounts/login/")


def test_seed_demo_loads_the_organisation_and_is_idempotent(demo_organisation):
    # One test on purpose: a full seed runs every workflow and takes seconds. The first
    # seed is the shared demo organisation's (``seed_demo --password DEMO_PASSWORD``);
    # the second, with the default password, is run once for the idempotency tests.
    # It changes no row of any table (sessions and the admin log aside) and no password.
    first, second = demo_organisation.run_again()
    assert second["rows"] == first["rows"]
    assert second["passwords"] == first["passwords"]

    assert ServiceLine.objects.count() >= 4
    assert ServiceLine.objects.filter(capacity=ServiceLine.Capacity.PAUSED).exists()
    assert list(JourneyStage.objects.values_list("slug", flat=True)) == [
        "awareness",
        "consideration",
        "evaluation",
        "onboarding",
        "ongoing-engagement",
    ]
    assert all(stage.questions for stage in JourneyStage.objects.all())
    assert Segment.objects.count() == 6
    assert HomePage.objects.live().count() == 1

    # The demo users log in with the chosen password and have their roles.
    for username, group in [
        ("marketer", "Marketers"),
        ("compliance", "Compliance reviewers"),
        ("rep", "Sales reps"),
    ]:
        user = authenticate(sign_in_request(), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.groups.filter(name=group).exists()
    assert User.objects.get(username="admin").is_superuser
    assert authenticate(sign_in_request(), username="rep", password="concord-demo") is None
