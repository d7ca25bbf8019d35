"""Call packs: /library/pack.pdf?service_line=…&stage=…&segment=…, read back from the PDF."""

import html
import logging
import threading

from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django.utils.dateformat import format as format_date

import pytest

from assets.models import UsageEvent
from assets.models.library import Audience, Kind
from cms import roles
from tests.assets.pdf_support import (
    STAMP_RE,
    make_asset,
    make_library,
    make_objection,
    make_talk_track,
    make_term,
    pdf_pages,
    pdf_text,
)
from tests.cms.factories import (
    JourneyStageFactory,
    SegmentFactory,
    ServiceLineFactory,
    UserFactory,
)

INTERNAL_NOTICE = "Internal use only — not for distribution"
PACK = "/library/pack.pdf?service_line=cardiology&stage=evaluation&segment=referring-physician"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def riley(db):
    return UserFactory(
        username="riley", first_name="Riley", last_name="Rep", groups=[roles.SALES_REPS]
    )


@pytest.fixture
def content(home_page):
    """Cardiology × Evaluation × Referring physician, with neighbours that must stay out."""
    cardiology = ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")
    orthopedics = ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH")
    evaluation = JourneyStageFactory(
        slug="evaluation",
        name="Evaluation",
        order=3,
        buyer_questions="What does it cost and who pays?\nHow does it fit our EHR?",
    )
    awareness = JourneyStageFactory(slug="awareness", name="Awareness", order=1)
    physician = SegmentFactory(slug="referring-physician", name="Referring physician")
    SegmentFactory(slug="employer-group", name="Employer group")
    library = make_library(home_page)
    call = (cardiology, evaluation, physician)

    linked = make_objection(
        "Our patients can't drive forty minutes three times a week.",
        "Two in three patients choose the home-based program with weekly video check-ins.",
        taxonomy=call,
        code="CARD-OBJ-2026-0011",
        times_heard=3,
    )
    make_objection(
        "Is cardiac rehab covered for Medicare Advantage members?",
        "Cardiac rehab is covered by Medicare Advantage plans in our network after a "
        "qualifying event; the intake team checks each patient's plan.",
        taxonomy=call,
        code="CARD-OBJ-2026-0012",
        times_heard=9,
    )
    make_objection(  # response still being drafted: never in a pack
        "Why should we switch from the program across town?",
        "Draft response not yet approved.",
        taxonomy=call,
        times_heard=20,
    )
    make_objection(  # another service line
        "How long is the wait for a knee replacement?",
        "Orthopedic response.",
        taxonomy=(orthopedics, evaluation, physician),
        code="ORTH-OBJ-2026-0001",
        times_heard=50,
    )
    make_talk_track(
        library,
        "Cardiac rehab evaluation call",
        taxonomy=call,
        objections=[linked],
        code="CARD-TT-2026-0005",
    )
    make_asset(
        library,
        "Cardiac rehab one-pager",
        taxonomy=call,
        code="CARD-OP-2026-0042",
        version=3,
    )
    make_asset(
        library,
        "Heart failure clinic one-pager",
        taxonomy=call,
        code="CARD-OP-2026-0043",
    )
    make_asset(library, "Unapproved remote monitoring one-pager", taxonomy=call)
    make_asset(
        library,
        "Cardiology awareness one-pager",
        taxonomy=(cardiology, awareness, physician),
        code="CARD-OP-2026-0044",
    )
    make_asset(
        library,
        "Cardiology referral FAQ",
        taxonomy=call,
        kind=Kind.FAQ,
        audience=Audience.INTERNAL,
        code="CARD-FAQ-2026-0001",
    )
    make_term(
        "Cardiac Rehabilitation Program",
        service_line=cardiology,
        code="CARD-GT-2026-0001",
        variants="cardio rehab\nheart gym",
    )
    make_term("Heart Failure Clinic", service_line=cardiology)  # not approved
    make_term("Total Joint Program", service_line=orthopedics, code="ORTH-GT-2026-0001")
    return library


def get_pack(client, user, url=PACK, **headers):
    client.force_login(user)
    return client.get(url, **headers)


class TestPackContent:
    def test_sections_in_order_with_the_matching_content(self, client, riley, content):
        response = get_pack(client, riley, PACK)

        assert response.status_code == 200, response.content.decode()[-3000:]
        assert response["Content-Type"] == "application/pdf"
        today = timezone.localdate()
        assert response["Content-Disposition"] == (
            'attachment; filename="call-pack-cardiology-evaluation-referring-physician-'
            f'{today.isoformat()}.pdf"'
        )
        pages = pdf_pages(response.content)
        text = " ".join(pages)

        cover = pages[0]
        for expected in (
            "Cardiology",
            "Evaluation · Referring physician",
            "Riley Rep",
            format_date(today, "j M Y"),
            "What does it cost and who pays?",
            "In this pack",
        ):
            assert expected in cover

        order = [
            "Open the call",  # talk track
            "Cardiac rehab one-pager",
            "Heart failure clinic one-pager",
            "What you may hear, and what to say",  # top objections
            "Our patients can't drive forty minutes",  # the talk track's own, first
            "Is cardiac rehab covered for Medicare Advantage",
            "Say it the same way",  # glossary
            "Cardiac Rehabilitation Program",
        ]
        body = " ".join(pages[1:])
        positions = [body.index(marker) for marker in order]
        assert positions == sorted(positions)
        assert "Don't say: cardio rehab · heart gym" in body

        for absent in (
            "Unapproved remote monitoring",
            "Cardiology awareness one-pager",
            "Why should we switch",
            "knee replacement",
            "Total Joint Program",
        ):
            assert absent not in text
        assert "Heart Failure Clinic" not in body.split("Say it the same way")[1]

    def test_every_page_is_stamped_numbered_and_internal(self, client, riley, content):
        pages = pdf_pages(get_pack(client, riley).content)
        assert len(pages) >= 5
        for number, text in enumerate(pages, start=1):
            assert INTERNAL_NOTICE in text
            assert f"Page {number} of {len(pages)}" in text
            assert STAMP_RE.search(text), f"page {number} carries no approval stamp"
        talk_track_pages = [text for text in pages if "Open the call" in text]
        assert all("CARD-TT-2026-0005 v1" in text for text in talk_track_pages)
        one_pager = next(text for text in pages if "Cardiac rehab one-pager" in text[:400])
        assert "CARD-OP-2026-0042 v3 · Approved 12 Jan 2026" in one_pager
        objections = next(text for text in pages if "What you may hear" in text)
        assert "CARD-OBJ-2026-0011 v1" in objections
        assert "CARD-OBJ-2026-0012 v1" in objections
        glossary = next(text for text in pages if "Say it the same way" in text)
        assert "CARD-GT-2026-0001 v1" in glossary

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_pack_is_recorded_as_usage(self, client, riley, content):
        get_pack(client, riley)
        events = UsageEvent.objects.filter(kind=UsageEvent.Kind.PACK, user=riley)
        assert events.exists()
        assert {event.stage.slug for event in events} == {"evaluation"}

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_the_pack_is_built_once_per_download(self, client, riley, content, monkeypatch):
        from assets import packs

        built = []
        real = packs.call_pack

        def counting(**kwargs):
            built.append(kwargs["context"].service_line.slug)
            return real(**kwargs)

        monkeypatch.setattr(packs, "call_pack", counting)
        assert get_pack(client, riley, PACK).status_code == 200
        assert built == ["cardiology"]

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_second_download_is_cached_and_revalidates(self, client, riley, content, caplog):
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            first = get_pack(client, riley)
            second = get_pack(client, riley)
        renders = [r for r in caplog.records if r.getMessage().startswith("Rendered a PDF")]
        assert len(renders) == 1
        assert first.content == second.content
        assert get_pack(client, riley, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_each_rep_gets_their_own_cover(self, client, riley, content):
        sam = UserFactory(
            username="sam", first_name="Sam", last_name="Seller", groups=[roles.SALES_REPS]
        )
        assert "Riley Rep" in pdf_pages(get_pack(client, riley).content)[0]
        assert "Sam Seller" in pdf_pages(get_pack(client, sam).content)[0]

    def test_withdrawn_content_leaves_the_pack(self, client, riley, content):
        assert "Heart failure clinic one-pager" in pdf_text(get_pack(client, riley).content)
        content.get_children().get(slug="heart-failure-clinic-one-pager").specific.unpublish()
        assert "Heart failure clinic one-pager" not in pdf_text(get_pack(client, riley).content)


class TestPackProblems:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, content):
        response = client.get(PACK)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_users_outside_the_library_roles_get_no_pack(self, client, content):
        response = get_pack(client, UserFactory(username="outsider"))
        assert response.status_code in (302, 403)
        assert not response.content.startswith(b"%PDF")

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("service_line=nope&stage=evaluation&segment=referring-physician", "nope"),
            ("service_line=cardiology&stage=%3Cscript%3E&segment=referring-physician", "stage"),
            ("service_line=cardiology&stage=evaluation&segment=x" * 3, "segment"),
        ],
    )
    def test_unknown_slugs_are_a_400_with_a_message(self, client, riley, content, query, message):
        response = get_pack(client, riley, f"/library/pack.pdf?{query}")
        assert response.status_code == 400
        assert b"<script>" not in response.content
        body = html.unescape(response.content.decode())
        assert "We can't build that call pack" in body
        assert message in body

    def test_missing_parameters_are_a_400_naming_them(self, client, riley, content):
        response = get_pack(client, riley, "/library/pack.pdf?service_line=cardiology")
        assert response.status_code == 400
        body = html.unescape(response.content.decode())
        assert "journey stage" in body
        assert "segment" in body

    def test_an_empty_combination_explains_what_is_missing(self, client, riley, content):
        response = get_pack(
            client,
            riley,
            "/library/pack.pdf?service_line=orthopedics&stage=awareness&segment=employer-group",
        )
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        body = html.unescape(response.content.decode())
        assert "No call pack for Orthopedics · Awareness · Employer group yet" in body
        assert "an approved talk track" in body
        assert "approved one-pagers" in body
        assert "Browse the library for this call" in body


def test_concurrent_requests_for_a_missing_pack_render_it_once(client, riley, content, caplog):
    """Several tabs (or a rep's retries) asking at once: one render, the same bytes for all.

    The request threads share the test's database connection, as Django's live server
    does, so they see the test's data without committing it.
    """
    shared = connections["default"]
    shared.inc_thread_sharing()
    client.force_login(riley)
    results = [None] * 4
    start = threading.Barrier(4)

    def fetch(index):
        connections["default"] = shared
        start.wait()
        results[index] = client.get(PACK)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(4)]
    try:
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        shared.dec_thread_sharing()
    renders = [r for r in caplog.records if r.getMessage().startswith("Rendered a PDF")]
    assert [response.status_code for response in results] == [200] * 4
    assert len(renders) == 1
    assert len({response.content for response in results}) == 1
