"""Compliance withdraws a live item (from its library page, or an admin from the editor),
and the buyer's link stops at once."""

from django.test import Client

from wagtail.models import ModelLogEntry, PageLogEntry

import pytest

from reviews.models import ApprovalRecord
from tests.cms.factories import ApprovedMessageFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(obj):
    return f"/admin/reviews/withdraw/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/"


def test_compliance_withdraws_from_the_library_page_with_a_reason(reviewer, one_pager, make_share):
    share = make_share(one_pager)
    client = signed_in(reviewer)
    item_page = client.get(one_pager.url).content.decode()
    link = f"/admin/reviews/withdraw/wagtailcore/page/{one_pager.pk}/"
    assert link in item_page and "Withdraw from use" in item_page
    page = client.get(link)
    assert page.status_code == 200 and one_pager.approval_label in page.content.decode()

    refused = client.post(url(one_pager), {"reason": ""})
    assert refused.status_code == 400
    one_pager.refresh_from_db()
    assert one_pager.live

    response = client.post(url(one_pager), {"reason": "Wait times changed"})
    assert response.status_code == 302
    one_pager.refresh_from_db()
    assert not one_pager.live
    entry = PageLogEntry.objects.get(page=one_pager, action="reviews.withdraw")
    assert entry.user == reviewer and entry.data["reason"] == "Wait times changed"
    record = ApprovalRecord.objects.for_object(one_pager).get()
    assert record.withdrawal_reason == "Withdrawn: Wait times changed"
    assert Client().get(f"/s/{share.token}/").status_code == 410


def test_admins_find_it_in_the_editor_of_pages_and_snippets(admin_user, one_pager, cardiology):
    message = ApprovedMessageFactory(service_lines=[cardiology])
    approve_now(message)
    client = signed_in(admin_user)
    editor = client.get(f"/admin/pages/{one_pager.pk}/edit/").content.decode()
    assert url(one_pager) in editor and "Withdraw from use" in editor
    editor = client.get(f"/admin/snippets/cms/approvedmessage/edit/{message.pk}/").content.decode()
    assert url(message) in editor
    client.post(url(message), {"reason": "Superseded"})
    message.refresh_from_db()
    assert not message.live
    assert ModelLogEntry.objects.filter(
        action="reviews.withdraw", object_id=str(message.pk)
    ).exists()


@pytest.mark.parametrize("who", ["rep", "marketer"])
def test_others_may_not_withdraw(who, request, one_pager):
    user = request.getfixturevalue(who)
    client = signed_in(user)
    assert client.post(url(one_pager), {"reason": "x"}).status_code in (302, 403)
    one_pager.refresh_from_db()
    assert one_pager.live
    assert "/admin/reviews/withdraw/" not in client.get(one_pager.url).content.decode()
    if who == "marketer":
        editor = client.get(f"/admin/pages/{one_pager.pk}/edit/").content.decode()
        assert url(one_pager) not in editor


def test_nonsense_addresses_are_404(reviewer, one_pager):
    client = signed_in(reviewer)
    assert client.get("/admin/reviews/withdraw/nope/nothing/1/").status_code == 404
    assert client.get(f"/admin/reviews/withdraw/cms/user/{reviewer.pk}/").status_code == 404
    assert client.get("/admin/reviews/withdraw/assets/libraryitempage/999999/").status_code == 404


def test_something_not_live_is_left_alone(reviewer, one_pager):
    client = signed_in(reviewer)
    client.post(url(one_pager), {"reason": "First"})
    response = client.post(url(one_pager), {"reason": "Second"})
    assert response.status_code == 302
    said = [str(message) for message in response.wsgi_request._messages]
    assert said[-1] == f"“{one_pager.title}” isn't live: there is nothing to withdraw."
    assert PageLogEntry.objects.filter(page=one_pager, action="reviews.withdraw").count() == 1
