"""Benchmark share links as a buyer opens them.

Runs against its own test database (``CONCORD_TEST_DB=bench-shares``, kept between runs
so only the first run migrates), builds a library (the PDF benchmark's), makes share
links through the real service inside a transaction that is rolled back at the end,
and measures through Django's full request stack (the test client):

* the buyer's page, once rendered for the share (its cache warm), against the home
  page served by Wagtail in the same run, request by request, alternating;
* the share's PDF from the cache after the first render;
* a personalised PDF cold: a new share (new personalisation) each run, so HTML and
  render and store;
* wrong tokens: a near miss of a real token against a random one (the timing a guesser
  could measure).

Usage::

    .venv/bin/python bench/share_links.py [--runs 300] [--cold-runs 7]
"""

import argparse
import secrets
import statistics
import time

from harness import run_rolled_back

GOALS = {"page-ratio": 1.5, "pdf-cached": 0.005, "pdf-cold": 0.5}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="page and cached PDF requests")
    parser.add_argument("--cold-runs", type=int, default=7, help="personalised PDF renders")
    args = parser.parse_args()

    run_rolled_back("bench-shares", lambda: measure(args))


def timed(client, url, status=200):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == status, (url, response.status_code)
    return elapsed


def measure(args):
    from django.core.cache import cache
    from django.test import Client

    from assets.pdf import render
    from bench.pdf import build_library
    from shares.services import create_share

    library, one_pager, rep, _ = build_library()
    share = create_share(
        user=rep, pages=[one_pager], recipient="Dr. Ana Lee", organisation="Riverside"
    )
    buyer = Client()
    page_url, pdf_url = f"/s/{share.token}/", f"/s/{share.token}/pdf/"
    render.render_pdf("<p>warm-up</p>", base_url=render.default_base_url())
    timed(buyer, "/")
    timed(buyer, page_url)  # renders and caches the buyer's page
    timed(buyer, pdf_url)  # renders and caches the PDF

    home_times, page_times = [], []
    for _ in range(args.runs):
        home_times.append(timed(buyer, "/"))
        page_times.append(timed(buyer, page_url))
    pdf_cached = [timed(buyer, pdf_url) for _ in range(args.runs)]

    cold = []
    for run in range(args.cold_runs):
        fresh = create_share(
            user=rep,
            pages=[one_pager],
            recipient=f"Dr. Reader {run}",
            organisation="Lakeview Pediatrics",
            note="As promised on our call.",
        )
        cold.append(timed(buyer, f"/s/{fresh.token}/pdf/"))

    near_miss = share.token[:-1] + ("A" if share.token[-1] != "A" else "B")
    near, far = [], []
    for run in range(args.runs):
        # Alternate which goes first, so neither pays for coming first.
        pair = [(near, near_miss), (far, secrets.token_urlsafe(32))]
        for times, token in pair if run % 2 else reversed(pair):
            times.append(timed(buyer, f"/s/{token}/", 404))

    home, page = statistics.median(home_times), statistics.median(page_times)
    rows = [
        (f"home page, Wagtail ({args.runs} runs)", home, None),
        (f"buyer's page, cached ({args.runs} runs)", page, None),
        ("  ratio to the home page", page / home, "page-ratio"),
        (f"share PDF from cache ({args.runs} runs)", statistics.median(pdf_cached), "pdf-cached"),
        (f"personalised PDF, cold ({args.cold_runs} runs)", statistics.median(cold), "pdf-cold"),
        (f"wrong token, near miss ({args.runs} runs)", statistics.median(near), None),
        (f"wrong token, random ({args.runs} runs)", statistics.median(far), None),
    ]
    cache.clear()
    print(f"Share link benchmark ({len(library.get_children())} library items)")
    for label, value, goal_name in rows:
        shown = f"{value:.2f}×" if goal_name == "page-ratio" else fmt(value)
        line = f"  {label:<48} median {shown:>9}"
        if goal_name:
            goal = GOALS[goal_name]
            goal_shown = f"{goal}×" if goal_name == "page-ratio" else fmt(goal)
            line += f"  goal ≤ {goal_shown} {'met' if value <= goal else 'MISSED'}"
        print(line)
    difference = abs(statistics.median(near) - statistics.median(far))
    print(f"  wrong-token medians differ by {fmt(difference)}")


def fmt(seconds):
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
