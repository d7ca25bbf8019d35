"""Roles: the groups exist in every installation; nobody can publish; reps get no admin."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.models import GroupPagePermission

import pytest

from cms import roles
from cms.models import ApprovedMessage
from tests.cms.factories import ApprovedMessageFactory

pytestmark = pytest.mark.django_db


def test_roles_exist_from_migrations():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names
    # Wagtail's starter "Moderators" group may publish; it must not survive.
    assert "Moderators" not in names


def test_no_group_has_any_publish_permission(home_page):
    publish_perms = Permission.objects.filter(codename__startswith="publish")
    assert publish_perms.exists()  # the permissions exist ...
    for group in Group.objects.all():  # ... but no group holds one
        assert not group.permissions.filter(pk__in=publish_perms).exists(), group.name
    assert not GroupPagePermission.objects.filter(permission__codename="publish_page").exists()


def test_marketers_can_edit_pages_below_the_site_root(home_page):
    group = Group.objects.get(name=roles.MARKETERS)
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=home_page).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page"} <= codenames


def test_marketer_cannot_publish_an_approved_message(client, marketer):
    message = ApprovedMessageFactory()
    client.force_login(marketer)
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    edit_page = client.get(url)
    assert edit_page.status_code == 200
    assert 'name="action-publish"' not in edit_page.content.decode()

    client.post(
        url,
        {
            "title": message.title,
            "kind": message.kind,
            "text": "Changed wording",
            "source": "",
            "service_lines": [message.service_lines.first().pk],
            "action-publish": "action-publish",
        },
    )
    message.refresh_from_db()
    assert not message.live
    assert not ApprovedMessage.objects.filter(live=True).exists()


def test_marketer_cannot_publish_a_page(client, marketer, home_page):
    client.force_login(marketer)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk]))
    assert edit.status_code == 200
    assert 'name="action-publish"' not in edit.content.decode()
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[home_page.pk]),
        {"title": "Renamed by a marketer", "slug": home_page.slug, "action-publish": "1"},
    )
    assert response.status_code in (200, 302, 403)
    home_page.refresh_from_db()
    assert home_page.title != "Renamed by a marketer"


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/snippets/"])
def test_rep_gets_no_admin(client, rep, path):
    client.force_login(rep)
    response = client.get(path)
    # Wagtail redirects users without access_admin back to its login with a message.
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_roles_reach_the_admin(client, marketer, reviewer):
    for user in (marketer, reviewer):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200


def test_role_helpers():
    from tests.cms.factories import UserFactory

    rep = UserFactory(groups=[roles.SALES_REPS])
    marketer = UserFactory(groups=[roles.MARKETERS])
    outsider = UserFactory()
    assert roles.can_use_library(rep) and not roles.is_staff_editor(rep)
    assert roles.can_use_library(marketer) and roles.is_staff_editor(marketer)
    assert not roles.can_use_library(outsider)
