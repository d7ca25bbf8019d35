"""Benchmark the rep library: /library/ with filters and with search, beside a stock page.

What it does, bounded and self-stopping:

1. Prepares its own database — ``var/bench-library.sqlite3`` (``--db sqlite``) or the
   PostgreSQL database ``concord_bench_library`` (``--db postgres``; created on the
   server named by ``--pg-url`` if missing) — migrates it and generates ``--items``
   approved library items (10,000 by default: one-pagers, FAQs, case studies... spread
   over 5 service lines, 5 stages, 6 segments, with tags, about 8 % of them unapproved
   or past review-by so the visibility filter has work to do). Generation happens
   once; later runs reuse the data.
2. Serves it with gunicorn (production settings, 2 sync workers) on 127.0.0.1.
3. Signs in as a rep and requests, round-robin, the stock home page (a plain Wagtail
   page), ``/library/`` with filters, and ``/library/`` with ``q`` — ``--requests``
   times each after a warm-up — and reports median and p95 latency per URL and the
   ratios to the stock page. Goals: filtered listing ≤ 1.5× and search ≤ 2× the
   stock page's median.
4. Stops gunicorn (also on error or Ctrl-C) and writes ``bench/out/library-<db>.json``.

Usage::

    .venv/bin/python bench/library.py                  # SQLite, 10,000 items
    .venv/bin/python bench/library.py --db postgres    # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/library.py --items 2000 --requests 50
    .venv/bin/python bench/library.py --after-change     # every library page a cache miss
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SQLITE_PATH = ROOT / "var" / "bench-library.sqlite3"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/concord_bench_library"
GOALS = {"filtered": 1.5, "search": 2.0, "miss": 1.5}
TIME_LIMIT = 1800  # seconds for the whole run, generation included

URLS = {
    "stock page": "/",
    "filtered": "/library/?"
    + urlencode({"service_line": "cardiology", "stage": "evaluation", "segment": "health-plan"}),
    "filtered + kind": "/library/?" + urlencode({"service_line": "orthopedics", "kind": "faq"}),
    "filtered, page 5": "/library/?" + urlencode({"stage": "awareness", "page": 5}),
    "search": "/library/?" + urlencode({"q": "prior authorization"}),
    "search + filter": "/library/?"
    + urlencode({"q": "referral checklist", "service_line": "behavioral-health"}),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-result-cache",
        action="store_true",
        help="serve every library page without the result cache (CONCORD_LIBRARY_CACHE_SECONDS=0)",
    )
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="move the content version on before every request, so each library page "
        "is the first after a change: a result-cache miss (item cards stay cached)",
    )
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.generate:  # the internal step, run in a subprocess with the bench database
        return generate(args.items)

    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(TIME_LIMIT)
    env = bench_env(args)
    started = time.monotonic()
    if args.db == "postgres":
        create_pg_database(args.pg_url)
    run_step(env, "manage.py", "migrate", "--noinput", "-v", "0")
    run_step(env, "bench/library.py", "--generate", "--items", str(args.items))
    run_step(env, "manage.py", "collectstatic", "--noinput", "-v", "0")
    print(f"database ready in {time.monotonic() - started:.0f} s", flush=True)

    session_key = run_step(env, "bench/library.py", "--generate", "--items", "0", capture=True)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            PYTHON,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        change = version_bumper(args) if args.after_change else None
        results = measure(port, session_key.strip().splitlines()[-1], args.requests, change)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    report(args, results)


def _timeout(signum, frame):
    raise SystemExit(f"bench/library.py: stopped after {TIME_LIMIT} s")


def bench_env(args):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="bench-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if getattr(args, "no_result_cache", False):
        env["CONCORD_LIBRARY_CACHE_SECONDS"] = "0"
    if args.db == "postgres":
        env["DATABASE_URL"] = args.pg_url
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    return env


def create_pg_database(url):
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def run_step(env, *command, capture=False):
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, *command], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/healthz", None)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def get(port, path, session_key, connection=None):
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if session_key:
        headers["Cookie"] = f"sessionid={session_key}"
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    return response.status, body


VERSION_TABLE = "cms_contentversion"


def version_bumper(args):
    """A function that moves the content version on, as any publish or withdrawal does."""
    sql = f"UPDATE {VERSION_TABLE} SET value = value + 1"  # noqa: S608 - a constant
    if args.db == "postgres":
        import psycopg

        connection = psycopg.connect(args.pg_url, autocommit=True)
        return lambda: connection.execute(sql)
    import sqlite3

    connection = sqlite3.connect(SQLITE_PATH, isolation_level=None, timeout=30)
    return lambda: connection.execute(sql)


def measure(port, session_key, requests, change=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for name, url in URLS.items():  # warm-up, and a sanity check of what is served
        for _ in range(5):
            status, body = get(port, url, session_key, connection)
        if status != 200:
            raise SystemExit(f"{name}: HTTP {status} for {url}")
        if url.startswith("/library/") and b"item-card" not in body:
            raise SystemExit(f"{name}: no results in {url}")
    timings = {name: [] for name in URLS}
    for _ in range(requests):
        for name, url in URLS.items():
            if change is not None:
                change()
            started = time.perf_counter()
            status, _ = get(port, url, session_key, connection)
            timings[name].append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{name}: HTTP {status}")
    return timings


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(args, timings):
    stock = statistics.median(timings["stock page"])
    rows = []
    print(f"\n{args.db}, {args.items} items, {args.requests} requests per URL")
    print(f"{'URL':<18} {'median ms':>10} {'p95 ms':>8} {'× stock':>8}")
    for name, values in timings.items():
        median = statistics.median(values)
        p95 = percentile(values, 0.95)
        ratio = median / stock
        rows.append(
            {
                "name": name,
                "url": URLS[name],
                "median_ms": median * 1000,
                "p95_ms": p95 * 1000,
                "ratio": ratio,
            }
        )
        print(f"{name:<18} {median * 1000:>10.1f} {p95 * 1000:>8.1f} {ratio:>8.2f}")
    verdicts = []
    for row in rows:
        goal = GOALS["search"] if row["name"].startswith("search") else GOALS["filtered"]
        if args.after_change:
            goal = GOALS["miss"]
        if row["name"] != "stock page":
            verdicts.append(row["ratio"] <= goal)
    print(
        "goals (every page ≤ 1.5× after a change)"
        if args.after_change
        else "goals (filtered ≤ 1.5×, search ≤ 2× the stock median):",
        "met" if all(verdicts) else "NOT met",
    )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    suffix = "-uncached" if args.no_result_cache else "-after-change" if args.after_change else ""
    (out / f"library-{args.db}{suffix}.json").write_text(
        json.dumps(
            {
                "db": args.db,
                "items": args.items,
                "requests": args.requests,
                "result_cache": not args.no_result_cache,
                "after_change": args.after_change,
                "load_average": os.getloadavg(),
                "results": rows,
            },
            indent=2,
        )
    )


# Data generation (runs inside Django, against the bench database) ------------------------

WORDS = {
    "cardiology": [
        "Heart Failure Clinic",
        "Cardiac Rehabilitation Program",
        "remote device monitoring",
        "structural heart",
        "TAVR evaluation",
        "nurse navigator call",
    ],
    "orthopedics": [
        "Joint Replacement Program",
        "Spine Care Pathway",
        "sports medicine",
        "pre-surgery education class",
        "physical therapy",
        "same-day discharge",
    ],
    "behavioral-health": [
        "Collaborative Care Program",
        "intensive outpatient program",
        "telepsychiatry consult",
        "depression screening",
        "care manager",
    ],
    "virtual-primary-care": [
        "video visit",
        "care navigation",
        "chronic condition management",
        "diabetes program",
        "open enrollment",
    ],
    "sleep-medicine": [
        "home sleep test",
        "CPAP follow-up visit",
        "sleep apnea",
        "sleep lab reopening",
    ],
}
TOPICS = [
    "prior authorization",
    "referral checklist",
    "coverage questions",
    "first visit",
    "intake steps",
    "outcomes",
    "wait times",
    "EHR referral queue",
    "cost and billing",
    "patient education",
    "partner onboarding",
    "readmissions",
]
KINDS = [
    "one-pager",
    "faq",
    "case-study",
    "email-template",
    "referral-intake-guide",
    "pitch-deck",
    "checklist",
]
KIND_CODES = {
    "one-pager": "OP",
    "faq": "FAQ",
    "case-study": "CS",
    "email-template": "EM",
    "referral-intake-guide": "RIG",
    "pitch-deck": "DECK",
    "checklist": "CL",
}


def generate(items):
    import django

    django.setup()
    import datetime

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from assets.models import EnablementAssetPage, LibraryItemPage
    from assets.services import ensure_library
    from cms import demo
    from cms.management.commands.seed_demo import SeedContext
    from cms.models import JourneyStage, Segment, ServiceLine

    context = SeedContext(password="concord-demo", stdout=sys.stdout)  # noqa: S106
    with transaction.atomic():
        demo.seed(context)
        library = ensure_library(home=context.home)
    if not items:  # just print a signed-in rep session for the load step
        session = SessionStore()
        rep = context.users["rep"]
        session["_auth_user_id"] = str(rep.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = rep.get_session_auth_hash()
        session.create()
        print(session.session_key)
        return

    existing = EnablementAssetPage.objects.child_of(library).count()
    if existing >= items:
        with connection.cursor() as cursor:  # fresh planner statistics
            cursor.execute("ANALYZE")
        return
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # index once, below
    rng = random.Random(10_000)  # noqa: S311 - deterministic bench data
    lines = list(ServiceLine.objects.all())
    stages = list(JourneyStage.objects.all())
    segments = list(Segment.objects.all())
    today = timezone.localdate()
    now = timezone.now()
    started = time.monotonic()
    through = {
        name: getattr(LibraryItemPage, name).through
        for name in ("service_lines", "stages", "segments")
    }
    links = {name: [] for name in through}
    with transaction.atomic():
        for number in range(existing, items):
            line = rng.choice(lines)
            kind = rng.choice(KINDS)
            program = rng.choice(WORDS.get(line.slug, ["program"]))
            topic = rng.choice(TOPICS)
            visible = rng.random() > 0.08
            page = EnablementAssetPage(
                title=f"{program}: {topic} ({number})",
                slug=f"bench-{number}",
                kind=kind,
                audience=rng.choice(["internal", "external", "public"]),
                purpose=rng.choice(["booking", "nurture", "general"]),
                summary=f"{topic.capitalize()} for {line.name.lower()}: what the "
                f"{program} offers and how to explain it on a call.",
                body=[("paragraph", f"<p>{program} — {topic}. {rng.choice(TOPICS)}.</p>")],
                live=False,  # made live in one update below
                approval_code=f"{line.code}-{KIND_CODES[kind]}-2026-{number:05d}"
                if visible
                else "",
                approval_version=1,
                approved_at=now - datetime.timedelta(days=rng.randint(0, 365)),
                review_by=today + datetime.timedelta(days=rng.randint(-20, 400)),
            )
            library.add_child(instance=page)
            links["service_lines"].append(
                through["service_lines"](libraryitempage_id=page.pk, serviceline=line)
            )
            for stage in rng.sample(stages, rng.randint(1, 2)):
                links["stages"].append(
                    through["stages"](libraryitempage_id=page.pk, journeystage=stage)
                )
            for segment in rng.sample(segments, rng.randint(1, 3)):
                links["segments"].append(
                    through["segments"](libraryitempage_id=page.pk, segment=segment)
                )
            if number % 1000 == 999:
                print(f"  {number + 1} items ({time.monotonic() - started:.0f} s)", flush=True)
        for name, rows in links.items():
            through[name].objects.bulk_create(rows, batch_size=2000)
        # Reads are what is measured, so the rows are made live in one statement rather
        # than through 10,000 reviews ("live means approved" guards saves, not updates).
        EnablementAssetPage.objects.filter(slug__startswith="bench-", live=False).update(
            live=True, has_unpublished_changes=False
        )
    call_command("update_index", verbosity=0)
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would
        cursor.execute("ANALYZE")
    print(f"generated {items - existing} items in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
