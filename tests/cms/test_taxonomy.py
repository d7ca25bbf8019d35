"""Taxonomy: administrators create and edit it in the admin; in-use items can't be deleted."""

from django.db.models import ProtectedError
from django.urls import reverse

import pytest

from cms.models import JourneyStage, Segment, ServiceLine
from tests.cms.factories import ApprovedMessageFactory, ServiceLineFactory

pytestmark = pytest.mark.django_db


def snippet_url(model, action, *args):
    return reverse(f"wagtailsnippets_cms_{model._meta.model_name}:{action}", args=args)


def test_admin_creates_a_service_line(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        snippet_url(ServiceLine, "add"),
        {
            "name": "Oncology",
            "slug": "oncology",
            "code": "onc",
            "capacity": "waitlist",
            "description": "Infusion and survivorship clinics.",
        },
    )
    assert response.status_code == 302
    line = ServiceLine.objects.get(slug="oncology")
    assert line.code == "ONC"  # normalised to upper case
    assert line.capacity == ServiceLine.Capacity.WAITLIST


def test_service_line_code_must_be_alphanumeric(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        snippet_url(ServiceLine, "add"),
        {"name": "Oncology", "slug": "oncology", "code": "ON-C", "capacity": "accepting"},
    )
    assert response.status_code == 200
    assert "letters and digits only" in response.content.decode()
    assert not ServiceLine.objects.filter(slug="oncology").exists()


def test_admin_edits_a_stage_and_its_buyer_questions(client, admin_user):
    stage = JourneyStage.objects.create(name="Awareness", slug="awareness", order=1)
    client.force_login(admin_user)
    response = client.post(
        snippet_url(JourneyStage, "edit", stage.pk),
        {
            "name": "Awareness",
            "slug": "awareness",
            "order": 1,
            "buyer_questions": "What is it?\n\n  Who is it for?  \n",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.questions == ["What is it?", "Who is it for?"]


def test_admin_creates_a_segment_with_a_care_setting(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        snippet_url(Segment, "add"),
        {"name": "Care manager", "slug": "care-manager", "care_setting": "Inpatient"},
    )
    assert response.status_code == 302
    assert str(Segment.objects.get(slug="care-manager")) == "Care manager (Inpatient)"


def test_taxonomy_listings_are_grouped_under_one_menu(client, admin_user):
    client.force_login(admin_user)
    for model in (ServiceLine, JourneyStage, Segment):
        assert client.get(snippet_url(model, "list")).status_code == 200
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Taxonomy" in menu


def test_unused_service_line_can_be_deleted(client, admin_user):
    line = ServiceLineFactory()
    client.force_login(admin_user)
    response = client.post(snippet_url(ServiceLine, "delete", line.pk))
    assert response.status_code == 302
    assert not ServiceLine.objects.filter(pk=line.pk).exists()


def test_service_line_in_use_is_refused_with_a_clear_message(client, admin_user):
    line = ServiceLineFactory(name="Cardiology")
    ApprovedMessageFactory(service_lines=[line])
    client.force_login(admin_user)
    response = client.post(snippet_url(ServiceLine, "delete", line.pk), follow=True)
    assert ServiceLine.objects.filter(pk=line.pk).exists()
    page = response.content.decode()
    assert "“Cardiology” is still used by 1 approved message" in page


def test_delete_in_use_is_refused_in_code_too(db):
    line = ServiceLineFactory()
    ApprovedMessageFactory(service_lines=[line])
    with pytest.raises(ProtectedError):
        line.delete()
    with pytest.raises(ProtectedError):
        ServiceLine.objects.filter(pk=line.pk).delete()
    assert ServiceLine.objects.filter(pk=line.pk).exists()
