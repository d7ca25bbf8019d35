"""Content requests: reps ask, identical asks are counted, marketers mark them done with
the new item, and the reps who asked are e-mailed when it is published."""

from django.urls import reverse

import pytest

from assets import services
from assets.models import ContentRequest, ContentRequestAsk
from assets.models.library import Kind
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import UserFactory
from tests.reviews.factories import approve_now

NEW = "/library/requests/new/"


@pytest.fixture
def call(cardiology, evaluation, physician):
    return {"service_line": cardiology, "stage": evaluation, "segment": physician}


def ask_form(**changes):
    return {
        "service_line": "cardiology",
        "stage": "evaluation",
        "segment": "referring-physician",
        "kind": "one-pager",
        "note": "They asked for something to leave with the practice manager.",
        "source": "results",
        "next": "/library/?service_line=cardiology",
        **changes,
    }


def test_the_form_is_prefilled_with_the_call(rep_client, library, call):
    response = rep_client.get(
        NEW,
        {
            "service_line": "cardiology",
            "stage": "evaluation",
            "segment": "referring-physician",
            "kind": "one-pager",
            "source": "call",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["service_line"].value() == "cardiology"
    assert form["stage"].value() == "evaluation"
    assert form["segment"].value() == "referring-physician"
    assert form["kind"].value() == "one-pager"
    assert form["source"].value() == "call"


def test_a_rep_asks_and_is_sent_back(rep_client, rep, library, call):
    response = rep_client.post(NEW, ask_form())
    assert response.status_code == 302
    assert response["Location"] == "/library/?service_line=cardiology"
    request = ContentRequest.objects.get()
    assert (request.service_line, request.stage, request.segment) == tuple(call.values())
    assert request.kind == Kind.ONE_PAGER and request.times_requested == 1
    ask = request.asks.get()
    assert ask.user == rep and ask.source == "results" and "practice manager" in ask.note
    assert request.need == "evaluation one-pager for Referring physician, Cardiology"


def test_identical_requests_are_counted_not_duplicated(client, library, call, rep):
    other = UserFactory(username="rep2", groups=["Sales reps"])
    for user in (rep, other):
        client.force_login(user)
        client.post(NEW, ask_form())
    # The same rep asking again isn't counted twice.
    client.post(NEW, ask_form())
    request = ContentRequest.objects.get()
    assert request.times_requested == 2
    assert request.asks.count() == 2
    # Another kind is another request.
    client.post(NEW, ask_form(kind="faq"))
    assert ContentRequest.objects.count() == 2
    # A done request doesn't swallow a new ask: it opens a new one.
    ContentRequest.objects.filter(kind=Kind.ONE_PAGER).update(status=ContentRequest.Status.DONE)
    services.content_request_ask(user=rep, kind=Kind.ONE_PAGER, **call)
    assert ContentRequest.objects.filter(kind=Kind.ONE_PAGER).count() == 2


def test_the_rep_hears_whether_they_were_counted(rep_client, library, call, marketer):
    services.content_request_ask(user=marketer, kind=Kind.ONE_PAGER, **call)
    response = rep_client.post(NEW, ask_form(), follow=True)
    assert "1 other rep asked for evaluation one-pager" in response.content.decode()
    response = rep_client.post(NEW, ask_form(), follow=True)
    assert "You already asked for evaluation one-pager" in response.content.decode()


def test_bad_input_is_answered_with_messages(rep_client, library, call):
    response = rep_client.post(NEW, ask_form(service_line="", stage="nope", kind="poster"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the service line." in html
    assert "Select a valid choice. nope is not one of the available choices." in html
    assert "poster is not one of the available choices" in html
    assert ContentRequest.objects.count() == 0
    response = rep_client.post(NEW, ask_form(note="bad\x07text"))
    assert response.status_code == 400
    assert "control characters" in response.content.decode()


def test_next_must_stay_on_the_site(rep_client, library, call):
    response = rep_client.post(NEW, ask_form(next="https://evil.example/"))
    assert response["Location"] == "/library/requests/"


def test_only_library_roles_may_ask(client, library, call):
    outsider = UserFactory(username="outsider")
    client.force_login(outsider)
    assert client.get(NEW).status_code in (302, 403)
    assert client.post(NEW, ask_form()).status_code in (302, 403)
    assert ContentRequest.objects.count() == 0


def test_links_to_ask_from_empty_results_and_before_your_call(rep_client, library, call):
    params = {"service_line": "cardiology", "stage": "evaluation", "segment": "referring-physician"}
    html = rep_client.get("/library/", params).content.decode()
    assert "Ask marketing for material" in html
    assert (
        "/library/requests/new/?service_line=cardiology&amp;stage=evaluation"
        "&amp;segment=referring-physician&amp;source=results" in html
    )
    html = rep_client.get("/library/before-your-call/", params).content.decode()
    assert "Ask marketing for a one-pager" in html
    assert "Ask marketing for a talk track for this call" in html
    assert "source=call" in html and "kind=one-pager" in html


def test_lookups_of_a_call_are_recorded_for_the_coverage_map(rep_client, library, call):
    from assets.models import UsageEvent

    params = {"service_line": "cardiology", "stage": "evaluation", "segment": "referring-physician"}
    rep_client.get("/library/", params)
    rep_client.get("/library/", {**params, "page": "2"})  # paging isn't another look-up
    rep_client.get("/library/", {"service_line": "cardiology"})  # not one call
    rep_client.get("/library/before-your-call/", params)
    events = UsageEvent.objects.filter(kind=UsageEvent.Kind.SEARCH)
    assert events.count() == 2
    assert {(e.service_line, e.stage, e.segment) for e in events} == {tuple(call.values())}


# Marketers' queue ------------------------------------------------------------------------


def test_the_queue_lists_open_requests_most_asked_first(
    marketer_client, library, call, rep, marketer, awareness
):
    services.content_request_ask(user=rep, kind=Kind.FAQ, **call)
    services.content_request_ask(user=rep, kind=Kind.ONE_PAGER, **call)
    services.content_request_ask(user=marketer, kind=Kind.ONE_PAGER, **call)
    response = marketer_client.get(reverse("assets_requests:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Evaluation one-pager") < html.index("Evaluation faq")
    # Filtered to one call by slugs, as the coverage map links it.
    response = marketer_client.get(
        reverse("assets_requests:index"),
        {"service_line": "cardiology", "stage": "awareness", "segment": "referring-physician"},
    )
    assert "Evaluation one-pager" not in response.content.decode()


def test_marking_done_needs_an_item_tagged_for_the_call(
    marketer_client, library, call, rep, orthopedics
):
    request, _ = services.content_request_ask(user=rep, kind=Kind.ONE_PAGER, **call)
    url = reverse("assets_requests:done", args=[request.pk])
    response = marketer_client.get(url)
    assert "No library item is tagged for Cardiology" in response.content.decode()
    elsewhere = EnablementAssetFactory(service_lines=[orthopedics])
    EnablementAssetFactory(
        title="Tagged draft",
        service_lines=[call["service_line"]],
        stages=[call["stage"]],
        segments=[call["segment"]],
    )
    response = marketer_client.get(url)
    assert "Tagged draft" in response.content.decode()
    assert elsewhere.title not in response.content.decode()
    response = marketer_client.post(url, {"item": elsewhere.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(Exception, match="isn't tagged with the request's service line"):
        services.content_request_done(request=request, item=elsewhere, user=None)
    request.refresh_from_db()
    assert request.status == ContentRequest.Status.OPEN


def test_done_with_a_draft_emails_the_reps_when_it_goes_live(
    marketer_client, library, call, rep, marketer, smtp_server, django_capture_on_commit_callbacks
):
    rep.email = "riley@example.org"
    rep.save()
    services.content_request_ask(user=rep, kind=Kind.ONE_PAGER, **call)
    colleague = UserFactory(username="rep2", email="sam@example.org", groups=["Sales reps"])
    request, _ = services.content_request_ask(user=colleague, kind=Kind.ONE_PAGER, **call)
    draft = EnablementAssetFactory(
        title="Cardiac rehab for referring practices",
        kind=Kind.ONE_PAGER,
        service_lines=[call["service_line"]],
        stages=[call["stage"]],
        segments=[call["segment"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = marketer_client.post(
            reverse("assets_requests:done", args=[request.pk]), {"item": draft.pk}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ContentRequest.Status.DONE and request.fulfilled_by_id == draft.pk
    assert request.notified_at is None and smtp_server.messages == []

    # Marketing's queue no longer shows it as open; the rep sees it being approved.
    client = marketer_client
    client.force_login(rep)
    assert "it's in review" in client.get("/library/requests/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approve_now(draft)
    request.refresh_from_db()
    assert request.notified_at is not None
    assert sorted(m["To"] for m in smtp_server.messages) == ["riley@example.org", "sam@example.org"]
    message = smtp_server.messages[0]
    assert message["Subject"] == "Now in the library: Cardiac rehab for referring practices"
    body = message.get_payload()
    assert "evaluation one-pager for Referring physician, Cardiology" in body
    assert f"http://testserver{draft.url}" in body

    # Announced once: another approval of the same item sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        services.content_request_notify(item=draft)
    assert len(smtp_server.messages) == 2

    html = client.get("/library/requests/").content.decode()
    assert "Published:" in html and draft.title in html


def test_done_with_a_published_item_emails_at_once(
    library, call, rep, marketer, smtp_server, django_capture_on_commit_callbacks
):
    rep.email = "riley@example.org"
    rep.save()
    request, _ = services.content_request_ask(user=rep, kind=Kind.FAQ, **call)
    item = EnablementAssetFactory(
        kind=Kind.FAQ,
        approved=True,
        service_lines=[call["service_line"]],
        stages=[call["stage"]],
        segments=[call["segment"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.content_request_done(request=request, item=item, user=marketer)
    assert [m["To"] for m in smtp_server.messages] == ["riley@example.org"]


def test_compliance_may_look_at_the_queue_but_not_mark_done(client, reviewer, library, call, rep):
    request, _ = services.content_request_ask(user=rep, **call)
    client.force_login(reviewer)
    assert client.get(reverse("assets_requests:index")).status_code == 200
    response = client.get(reverse("assets_requests:done", args=[request.pk]))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_rep_sees_only_their_own_requests(client, library, call, rep):
    other = UserFactory(username="rep2", groups=["Sales reps"])
    services.content_request_ask(user=other, kind=Kind.CHECKLIST, **call)
    client.force_login(rep)
    html = client.get("/library/requests/").content.decode()
    assert "checklist" not in html
    assert "You haven't asked for anything yet" in html
    assert ContentRequestAsk.objects.count() == 1
