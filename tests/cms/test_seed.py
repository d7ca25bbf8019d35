"""seed_demo: a realistic organisation, loaded idempotently."""

import os

from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

import pytest

from cms.models import HomePage, JourneyStage, Segment, ServiceLine, User
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=False)


def sign_in_request():
    """Sign-in throttling (django-axes) needs the request it counts failures for."""
    return RequestFactory().post("/accounts/login/")


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        # Sessions and audit/log tables aren't demo content.
        and model._meta.app_label not in {"sessions", "admin"}
    }


def seed(**options):
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull, **options)


def test_seed_demo_loads_the_organisation_and_is_idempotent(demo_organisation):
    # One test on purpose: a full seed runs every workflow and takes seconds. The first
    # seed is the shared demo organisation's (``seed_demo --password DEMO_PASSWORD``).
    first = row_counts()
    seed(password=DEMO_PASSWORD)
    assert row_counts() == first

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
