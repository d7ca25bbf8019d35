"""cms.publication: the one currency rule and the viewer every reader passes along."""

import datetime

from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from wagtail.models import Collection, CollectionViewRestriction

import pytest

from assets.models import LibraryItemPage
from cms import roles
from cms.models import ApprovedMessage
from cms.publication import Viewer, current, is_current
from tests.assets.factories import EnablementAssetFactory, publish_unapproved
from tests.cms.factories import UserFactory
from tests.reviews.factories import restamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(home_page):
    today = timezone.localdate()
    return {
        "current": EnablementAssetFactory(approved=True),
        "due today": EnablementAssetFactory(approved=True, approved__review_by=today),
        "past review-by": EnablementAssetFactory(
            approved=True, approved__review_by=today - datetime.timedelta(days=1)
        ),
        "live, never approved": publish_unapproved(EnablementAssetFactory()),
        "draft": EnablementAssetFactory(),
    }


def test_the_queryset_and_the_object_agree_on_what_is_current(items):
    in_query = set(current(LibraryItemPage.objects.all()).values_list("pk", flat=True))
    for label, item in items.items():
        item = LibraryItemPage.objects.get(pk=item.pk)
        assert (item.pk in in_query) == is_current(item) == item.is_current(), label
    assert {label for label, item in items.items() if item.pk in in_query} == {
        "current",
        "due today",
    }


def test_a_stamp_on_a_row_that_is_not_live_is_not_current(items):
    item = items["current"]
    LibraryItemPage.objects.filter(pk=item.pk).update(live=False)
    item.refresh_from_db()
    assert not is_current(item) and not current(LibraryItemPage.objects.filter(pk=item.pk))


def test_is_current_of_nothing_is_false():
    assert is_current(None) is False


def test_a_message_stamped_but_expired_is_not_current(cardiology):
    message = ApprovedMessage.objects.create(title="x", text="y")
    restamp(
        message,
        approval_code="GEN-MSG-2026-0001",
        approval_version=1,
        approved_at=timezone.now(),
        review_by=timezone.localdate() + datetime.timedelta(days=365),
    )
    ApprovedMessage.objects.filter(pk=message.pk).update(live=True, expired=True)
    message.refresh_from_db()
    assert not message.is_current()


# The viewer ---------------------------------------------------------------------------


def test_a_viewer_is_built_from_a_user_without_touching_the_user(rep):
    before = set(vars(rep))
    viewer = Viewer.of(rep)
    assert viewer.can_use_library and viewer.audience == roles.SALES_REPS
    assert set(vars(rep)) == before, "nothing is stored on the user"
    assert Viewer.of(viewer) is viewer


def test_anonymous_and_the_background_sales_rep(rep):
    anonymous = Viewer.of(AnonymousUser())
    assert not anonymous.can_use_library and anonymous.audience == "anonymous"
    background = Viewer.sales_rep()
    assert background.can_use_library
    assert background.audience == Viewer.of(rep).audience, "shares the reps' cache entries"


def test_page_privacy_hides_the_library_from_people_outside_its_groups(items, rep):
    library = LibraryItemPage.objects.get(pk=items["current"].pk).get_parent()
    outsider = Viewer.of(UserFactory(username="outsider"))
    assert outsider.hidden_paths == (library.path,)
    assert not outsider.may_see_page(items["current"])
    assert Viewer.of(rep).may_see_page(items["current"])
    everything = LibraryItemPage.objects.all()
    assert not outsider.visible_pages(everything).exists()
    assert Viewer.of(rep).visible_pages(everything).count() == everything.count()


def test_collection_privacy_follows_the_restrictions_groups(rep, marketer):
    root = Collection.get_first_root_node()
    internal = root.add_child(name="Internal only")
    restriction = CollectionViewRestriction.objects.create(
        collection=internal, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.SALES_REPS)])
    assert Viewer.of(rep).may_download_from(internal)
    assert not Viewer.of(marketer).may_download_from(internal)
    assert Viewer.of(marketer).may_download_from(root)
    assert not Viewer.anonymous().may_download_from(internal)


def test_every_request_gets_one_viewer(client, rep):
    client.force_login(rep)
    response = client.get("/library/")
    assert response.wsgi_request.viewer.audience == roles.SALES_REPS
