"""seed_demo: a realistic organisation, loaded idempotently."""

from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

import pytest

from cms.models import HomePage, JourneyStage, Segment, ServiceLine, User

pytestmark = pytest.mark.django_db(transaction=False)


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        # Sessions and audit/log tables aren't demo content.
        and model._meta.app_label not in {"sessions", "admin"}
    }


def test_seed_demo_loads_the_organisation_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = row_counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
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


def test_demo_users_log_in_with_the_demo_password_and_have_their_roles():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username, group in [
        ("marketer", "Marketers"),
        ("compliance", "Compliance reviewers"),
        ("rep", "Sales reps"),
    ]:
        user = authenticate(username=username, password="concord-demo")
        assert user is not None
        assert user.groups.filter(name=group).exists()
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_password_option():
    call_command("seed_demo", password="another-secret", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert authenticate(username="rep", password="another-secret") is not None
