"""Benchmark PDF delivery: a cold one-pager, a cold 10-page call pack, a cached download.

Runs against its own test database (``CONCORD_TEST_DB=bench-pdf``, kept between runs so
only the first run migrates), creates a realistic library inside a transaction that
is rolled back at the end, and measures through Django's full request stack (the test
client: middleware, sessions, Wagtail routing, the library's checks, usage recording):

* cold one-pager: PDF cache cleared before each request, so HTML + render + store;
* cold call pack of about 10 pages (cover, talk track, 5 one-pagers, objections,
  glossary), cache cleared before each request;
* cached download of the one-pager, the PDF in the cache: first through the slow path
  (a new content version, so no route entry yet: Wagtail routing, privacy, the
  library's checks), then through the fast path (``assets.pdf.fast``) that the slow
  request opened; whole request, and the ``Server-Timing`` share; and the same with
  ``If-None-Match`` (a 304) on both paths.

Each figure is the median of several runs. The render process pool is warmed first;
the very first render after a process starts (which also starts WeasyPrint's
forkserver) is reported separately.

Usage::

    .venv/bin/python bench/pdf.py [--runs 7] [--cached-runs 200]
"""

import argparse
import statistics
import time

from harness import run_rolled_back

GOALS = {"one-pager": 0.5, "pack": 3.0, "cached": 0.005}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="cold renders per figure")
    parser.add_argument("--cached-runs", type=int, default=200, help="cached downloads")
    args = parser.parse_args()

    run_rolled_back("bench-pdf", lambda: measure(args))


def measure(args):
    from django.core.cache import cache
    from django.test import Client

    from assets.pdf import render
    from cms import freshness
    from tests.assets.pdf_support import pdf_pages

    library, one_pager, rep, pack_url = build_library()
    client = Client()
    client.force_login(rep)

    started = time.perf_counter()
    render.render_pdf("<p>warm-up</p>", base_url=render.default_base_url())
    first = time.perf_counter() - started

    def cold(url):
        cache.clear()
        client.force_login(rep)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed, response.content

    one_pager_url = one_pager.get_pdf_url()
    one_pager_times, content = zip(*(cold(one_pager_url) for _ in range(args.runs)), strict=True)
    one_pager_pages = len(pdf_pages(content[0]))
    pack_times, content = zip(*(cold(pack_url) for _ in range(args.runs)), strict=True)
    pack_pages = len(pdf_pages(content[0]))

    cache.clear()
    client.force_login(rep)
    warm = client.get(one_pager_url)
    etag = warm["ETag"]
    slow_times, view_times, slow_revalidate_times = [], [], []
    cached_times, fast_view_times, revalidate_times = [], [], []
    for _ in range(args.cached_runs):
        # A new content version: no route entry yet, so the slow path (all checks)
        # serves the cached PDF and writes the entry for this audience.
        freshness.bump()
        started = time.perf_counter()
        response = client.get(one_pager_url)
        slow_times.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert 'desc="cached"' in response["Server-Timing"], response["Server-Timing"]
        view_times.append(server_timing(response))
        # Then the fast path (assets.pdf.fast) for the same user and URL.
        started = time.perf_counter()
        response = client.get(one_pager_url)
        cached_times.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert 'desc="fast-cached"' in response["Server-Timing"], response["Server-Timing"]
        fast_view_times.append(server_timing(response))
        started = time.perf_counter()
        response = client.get(one_pager_url, HTTP_IF_NONE_MATCH=etag)
        revalidate_times.append(time.perf_counter() - started)
        assert response.status_code == 304
        assert 'desc="fast-revalidated"' in response["Server-Timing"]
        freshness.bump()
        started = time.perf_counter()
        response = client.get(one_pager_url, HTTP_IF_NONE_MATCH=etag)
        slow_revalidate_times.append(time.perf_counter() - started)
        assert 'desc="revalidated"' in response["Server-Timing"], response["Server-Timing"]

    runs = args.cached_runs
    rows = [
        ("first render after start (forkserver + WeasyPrint import)", first, None),
        (
            f"cold one-pager ({one_pager_pages} page, {args.runs} runs)",
            one_pager_times,
            "one-pager",
        ),
        (f"cold call pack ({pack_pages} pages, {args.runs} runs)", pack_times, "pack"),
        (f"cached download, first for the audience: slow path ({runs} runs)", slow_times, None),
        ("  of which the PDF view (Server-Timing)", view_times, None),
        (f"cached download, fast path ({runs} runs)", cached_times, "cached"),
        ("  of which the fast path (Server-Timing)", fast_view_times, None),
        (f"304 revalidation, fast path ({runs} runs)", revalidate_times, None),
        (f"304 revalidation, slow path ({runs} runs)", slow_revalidate_times, None),
    ]
    print(f"PDF benchmark ({len(library.get_children())} library items)")
    failed = False
    for label, values, goal_name in rows:
        values = values if isinstance(values, list | tuple) else [values]
        median = statistics.median(values)
        line = f"  {label:<66} median {fmt(median):>9}  min {fmt(min(values)):>9}"
        if goal_name:
            goal = GOALS[goal_name]
            ok = median <= goal
            failed |= not ok
            line += f"  goal ≤ {fmt(goal)} {'met' if ok else 'MISSED'}"
        print(line)
    if failed:
        print("Some goals were missed.")


def server_timing(response):
    """The PDF view's own time from its ``Server-Timing: pdf;dur=…`` header, in seconds."""
    for part in response["Server-Timing"].split(";"):
        if part.startswith("dur="):
            return float(part[4:]) / 1000
    raise ValueError(response["Server-Timing"])


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def build_library():
    """A library like the demo's: one call's worth of content plus neighbours."""
    from wagtail.rich_text import RichText

    from assets.models.library import Audience, Kind
    from cms import roles
    from cms.demo import seed_site
    from tests.assets.pdf_support import (
        make_asset,
        make_library,
        make_objection,
        make_talk_track,
        make_term,
        publish,
    )
    from tests.cms.factories import (
        ApprovedMessageFactory,
        JourneyStageFactory,
        SegmentFactory,
        ServiceLineFactory,
        UserFactory,
    )

    class Context:
        home = None

    context = Context()
    seed_site(context)
    library = make_library(context.home)
    cardiology = ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")
    stage = JourneyStageFactory(
        slug="evaluation",
        name="Evaluation",
        order=3,
        buyer_questions="What does it cost and who pays?\n"
        "How does it fit our EHR and referral workflow?\n"
        "What is the wait time for a first appointment?",
    )
    segment = SegmentFactory(slug="referring-physician", name="Referring physician")
    call = (cardiology, stage, segment)
    rep = UserFactory(
        username="bench-rep",
        first_name="Riley",
        last_name="Rep",
        groups=[roles.SALES_REPS],
        is_staff=True,  # Server-Timing is sent only to staff (cms.middleware)
    )
    message = publish(
        ApprovedMessageFactory(
            kind="claim",
            text="Most referred patients start cardiac rehab within five business days.",
            source="Concord cardiac rehab registry, January–December 2025",
            service_lines=[cardiology],
        ),
        "CARD-MSG-2026-0007",
        2,
    )
    body = [
        ("heading", {"text": "Why refer to cardiac rehab", "level": "h2"}),
        (
            "paragraph",
            RichText(
                "<p>Patients who can't travel three times a week still complete rehab: they "
                "exercise at home with a wearable monitor, and a <b>named nurse navigator</b> "
                "reviews their progress every week.</p><ul><li>Referral through the EHR or by "
                "fax</li><li>First call within two business days</li><li>Visit summaries sent "
                "to the referring practice</li></ul>"
            ),
        ),
        ("approved_message", message),
        (
            "callout",
            {
                "tone": "important",
                "heading": "How to refer",
                "text": RichText("<p>Send the referral to Cardiac Rehab Intake in the EHR.</p>"),
            },
        ),
        (
            "table",
            {
                "data": [
                    ["Plan type", "Referral needed?"],
                    ["Medicare Advantage", "Yes, from the primary care physician"],
                    ["Commercial PPO", "No"],
                ],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Referral rules by plan type",
            },
        ),
    ]
    titles = [
        "Cardiac rehab one-pager",
        "Heart failure clinic one-pager",
        "Remote device monitoring one-pager",
        "Structural heart program one-pager",
        "Cardiac rehab at home one-pager",
    ]
    one_pagers = [
        make_asset(library, title, taxonomy=call, body=body, code=f"CARD-OP-2026-{40 + i:04d}")
        for i, title in enumerate(titles)
    ]
    make_asset(
        library,
        "Cardiology referral FAQ",
        taxonomy=call,
        kind=Kind.FAQ,
        audience=Audience.INTERNAL,
        body=body * 3,
        code="CARD-FAQ-2026-0001",
    )
    objections = [
        make_objection(
            verbatim,
            response,
            taxonomy=call,
            code=f"CARD-OBJ-2026-{10 + i:04d}",
            times_heard=10 - i,
        )
        for i, (verbatim, response) in enumerate(OBJECTIONS)
    ]
    make_talk_track(
        library,
        "Cardiac rehab evaluation call",
        taxonomy=call,
        objections=objections[:2],
        key_messages=[
            ("talking_point", "Start from what they told you about follow-up."),
            ("approved_message", message),
        ],
        code="CARD-TT-2026-0005",
    )
    for i, (preferred, variants) in enumerate(TERMS):
        make_term(
            preferred, service_line=cardiology, code=f"CARD-GT-2026-{i + 1:04d}", variants=variants
        )
    pack_url = (
        f"{library.url}pack.pdf?service_line=cardiology&stage=evaluation"
        "&segment=referring-physician"
    )
    return library, one_pagers[0], rep, pack_url


OBJECTIONS = [
    (
        "Our patients can't drive forty minutes three times a week.",
        "Two in three patients choose the home-based program with weekly video check-ins.",
    ),
    (
        "Is cardiac rehab covered for Medicare Advantage members?",
        "It is covered by Medicare Advantage plans in our network after a qualifying event; "
        "the intake team checks each patient's plan before the first visit.",
    ),
    (
        "We already refer to the program across town.",
        "Many practices refer to both; ours offers evening sessions and a home option, so "
        "patients who drop out elsewhere can still finish.",
    ),
    (
        "How long until the first appointment?",
        "Most referred patients start within five business days.",
    ),
    (
        "Will we hear back about our patients?",
        "The referring practice gets a visit summary after every appointment.",
    ),
]
TERMS = [
    ("Cardiac Rehabilitation Program", "cardio rehab\nheart gym"),
    ("Heart Failure Clinic", "HF clinic\nheart failure center"),
    ("Nurse Navigator", "care coordinator nurse"),
    ("Remote Device Monitoring", "device checks"),
    ("Structural Heart Program", "valve clinic"),
    ("Intake Coordinator", "scheduler"),
]


if __name__ == "__main__":
    main()
