"""Load: 20 reps at once browsing, searching and downloading PDFs, and buyers opening
the links reps sent them, against gunicorn.

What it does, bounded and self-stopping:

1. Prepares the database the way ``bench/library.py`` does, with its code: PostgreSQL
   ``concord_bench_library`` (``--db postgres``, the default) or
   ``var/bench-library.sqlite3`` (``--db sqlite``), migrated, with ``--items`` generated
   library items (10,000) and the demo organisation; generation happens once. Then it
   adds ``--reps`` sign-in accounts (``load-rep-01`` …, group Sales reps), picks
   call packs that have content, and has the first rep share approved external items
   with ``--buyers`` buyers (one link each, made once through the share service).
2. Starts a private Redis (``--cache redis``, the default when ``redis-server`` is
   installed; the production cache, shared by the workers, so a PDF rendered by one
   worker is cached for all) and gunicorn with production settings on 127.0.0.1
   (``--worker-class gthread --workers 4 --threads 4`` by default).
3. Runs ``--reps`` threads for ``--warmup`` + ``--duration`` seconds. Each signs in
   through the login form, then loops: the library, a filtered listing, a search, an
   item from one of those listings (among its first five), that item's PDF, and now
   and then (``--pack-share``) a call pack PDF. ``--buyers`` more threads, with no
   account and no cookies, open their link and now and then (``--buyer-pdf-share``)
   its PDF. Only the ``--duration`` part counts; sign-ins are reported apart.
4. Reports per request type: count, throughput, p50/p95/max and errors (a status other
   than 2xx/3xx, a connection error, or the wrong content type); PDFs are split by the
   view's ``Server-Timing`` into cached and rendered. Goals: no errors, and p95 of
   cached PDF downloads under 50 ms. Writes ``bench/out/load-<db>.json``; exits 1 when
   a goal is missed.
5. Stops gunicorn and Redis on success, error, Ctrl-C and the hard time limit.

Usage::

    .venv/bin/python bench/load.py                        # PostgreSQL, 20 reps, 60 s
    .venv/bin/python bench/load.py --duration 30 --reps 10
    .venv/bin/python bench/load.py --workers 2 --threads 8 --cache locmem
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

# Database preparation and server helpers are bench/library.py's (same database).
import library

ROOT = library.ROOT
PYTHON = library.PYTHON
PASSWORD = "concord-demo"  # noqa: S105 - bench accounts on a bench database
HOST = "127.0.0.1"
PREPARE_LIMIT = 1800  # seconds for preparing the database (first run: generation)
GOAL_CACHED_PDF_P95_MS = 50

FILTERS = [
    {"service_line": "cardiology", "stage": "evaluation"},
    {"service_line": "orthopedics", "kind": "faq"},
    {"stage": "awareness", "segment": "health-plan"},
    {"service_line": "behavioral-health"},
    {"kind": "one-pager", "stage": "consideration"},
    {"service_line": "virtual-primary-care", "segment": "employer-group"},
]
SEARCHES = [
    "prior authorization",
    "referral checklist",
    "wait times",
    "cardiac rehabilitation",
    "sleep apnea",
    "physical therapy",
]
ITEM_CHOICES = 5  # an item is picked among the first five of a listing
PDF_LINK = re.compile(rb'class="item-card__pdf" href="([^"]+)"')
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SERVER_TIMING = re.compile(r'desc="([a-z-]+)"')
HTML, PDF = "text/html", "application/pdf"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--pg-url", default=library.PG_DEFAULT)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=20, help="concurrent reps")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before measuring")
    parser.add_argument("--pack-share", type=float, default=0.1, help="loops with a pack")
    parser.add_argument("--buyers", type=int, default=10, help="buyers opening share links")
    parser.add_argument(
        "--buyer-pdf-share", type=float, default=0.3, help="buyer visits with the PDF"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause between a rep's requests, s (0: back to back, a stress test)",
    )
    parser.add_argument(
        "--no-prewarm",
        dest="prewarm",
        action="store_false",
        help="don't render the PDFs reps will open before they start",
    )
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--cache",
        choices=["redis", "locmem"],
        default="redis" if shutil.which("redis-server") else "locmem",
    )
    parser.add_argument("--out", default=None, help="JSON path (bench/out/load-<db>.json)")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.setup:  # the internal step, run in a subprocess with the bench database
        return setup(args.reps, args.buyers)

    stop_on_signals()
    env = library.bench_env(args)
    signal.alarm(PREPARE_LIMIT)
    started = time.monotonic()
    prepare_database(env, args)
    world = json.loads(run_setup(env, args))
    print(f"database ready in {time.monotonic() - started:.0f} s", flush=True)
    signal.alarm(int(args.warmup + args.duration) + 180)  # hard limit for the run itself

    processes = []
    try:
        if args.cache == "redis":
            redis_port = library.free_port()
            processes.append(start_redis(redis_port))
            env["REDIS_URL"] = f"redis://{HOST}:{redis_port}/0"
        port = library.free_port()
        processes.append(start_gunicorn(env, args, port))
        library.wait_until_up(port)
        if args.prewarm:
            prewarm(port, world)
        results = run_load(port, world, args)
    finally:
        for process in reversed(processes):
            stop(process)
    signal.alarm(0)
    ok = report(args, world, results)
    return 0 if ok else 1


class Stopped(Exception):
    pass


def stop_on_signals():
    """Ctrl-C, SIGTERM and the time limit all unwind through ``finally`` (servers stop)."""

    def handler(signum, frame):
        raise Stopped(f"bench/load.py: stopped by {signal.Signals(signum).name}")

    for signum in (signal.SIGTERM, signal.SIGALRM, signal.SIGHUP):
        signal.signal(signum, handler)


def prepare_database(env, args):
    if args.db == "postgres":
        library.create_pg_database(args.pg_url)
    library.run_step(env, "manage.py", "migrate", "--noinput", "-v", "0")
    library.run_step(env, "bench/library.py", "--generate", "--items", str(args.items))
    library.run_step(env, "manage.py", "collectstatic", "--noinput", "-v", "0")


def run_setup(env, args):
    output = library.run_step(
        env,
        "bench/load.py",
        "--setup",
        "--reps",
        str(args.reps),
        "--buyers",
        str(args.buyers),
        capture=True,
    )
    return output.strip().splitlines()[-1]


def start_redis(port):
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )


def start_gunicorn(env, args, port):
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "cms.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--worker-class",
        args.worker_class,
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The reps ------------------------------------------------------------------------------


class Rep:
    """One signed-in rep on one keep-alive connection."""

    def __init__(self, port, username, record):
        self.port = port
        self.username = username
        self.record = record
        self.cookies = {}
        self.connection = None

    def request(self, method, path, *, body=None, headers=None):
        """``(status, headers, body)``; retries once when a kept-alive connection was closed."""
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",  # as behind the TLS proxy in production
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection
                raise
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, response.headers, content
        raise AssertionError("unreachable")

    def timed(self, kind, path, *, expect, method="GET", **kwargs):
        """One request, recorded as ``kind``; returns the body (``None`` on error)."""
        started = time.perf_counter()
        error = None
        status, headers, content = None, {}, b""
        try:
            status, headers, content = self.request(method, path, **kwargs)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        if error is None:
            content_type = headers.get("Content-Type", "")
            if not 200 <= status < 400:
                error = f"HTTP {status}"
            elif expect and not content_type.startswith(expect):
                error = f"content type {content_type or 'missing'} (expected {expect})"
        if kind in ("pdf", "pack"):
            timing = SERVER_TIMING.search(headers.get("Server-Timing", "") if headers else "")
            kind = f"{kind} ({timing.group(1)})" if timing else kind
        self.record(kind, elapsed, error, path)
        return content if error is None else None

    def sign_in(self):
        page = self.timed("login form", "/accounts/login/", expect="text/html")
        token = CSRF_INPUT.search(page or b"")
        if not token:
            return False
        origin = f"https://{HOST}"
        self.timed(
            "sign in",
            "/accounts/login/",
            expect="",
            method="POST",
            body=urlencode(
                {
                    "username": self.username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1).decode(),
                    "next": "/library/",
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/accounts/login/",
            },
        )
        return "sessionid" in self.cookies

    def loop(self, rng, pack, pack_share, think, until):
        """Browse until ``until``; ``pack`` (the rep's next call) is opened first, then
        in a ``pack_share`` of the rounds."""

        def pause():
            if think > 0:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

        first = True
        while time.monotonic() < until:
            if pack and (first or rng.random() < pack_share):
                self.timed("pack", f"/library/pack.pdf?{urlencode(pack)}", expect=PDF)
                pause()
            first = False
            self.timed("library", "/library/", expect=HTML)
            pause()
            listings = [
                self.timed("filtered", "/library/?" + urlencode(rng.choice(FILTERS)), expect=HTML)
            ]
            pause()
            listings.append(
                self.timed(
                    "search", "/library/?" + urlencode({"q": rng.choice(SEARCHES)}), expect=HTML
                )
            )
            pause()
            links = PDF_LINK.findall(rng.choice(listings) or b"")[:ITEM_CHOICES]
            if links:
                pdf_url = rng.choice(links).decode()
                self.timed("item", pdf_url.removesuffix("pdf/"), expect=HTML)
                pause()
                self.timed("pdf", pdf_url, expect=PDF)
                pause()


class Buyer(Rep):
    """Someone a rep sent a link to: no account, no cookies kept, one link."""

    def loop(self, rng, token, pdf_share, think, until):
        while time.monotonic() < until:
            self.cookies = {}
            self.timed("share page", f"/s/{token}/", expect=HTML)
            if rng.random() < pdf_share:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think) if think > 0 else 0)
                self.timed("share pdf", f"/s/{token}/pdf/", expect=PDF)
            if think > 0:
                time.sleep(rng.uniform(2 * think, 6 * think))  # reading


def prewarm(port, world, threads=4):
    """Render the PDFs reps will open (the first five items of every filter and search)
    before they start, as the pre-render task does for one-pagers in production."""
    started = time.monotonic()
    urls = []

    def record(kind, elapsed, error, path):
        if error:
            raise SystemExit(f"prewarm: {error} for {path}")

    rep = Rep(port, world["users"][0], record)
    if not rep.sign_in():
        raise SystemExit("prewarm: could not sign in")
    queries = [urlencode(f) for f in FILTERS] + [urlencode({"q": q}) for q in SEARCHES]
    for query in queries:
        page = rep.timed("filtered", f"/library/?{query}", expect=HTML)
        urls += [
            u.decode() for u in PDF_LINK.findall(page)[:ITEM_CHOICES] if u.decode() not in urls
        ]
    work = list(urls)
    lock = threading.Lock()

    def download():
        worker = Rep(port, world["users"][0], record)
        worker.cookies = dict(rep.cookies)
        while True:
            with lock:
                if not work:
                    return
                url = work.pop()
            worker.timed("pdf", url, expect=PDF)

    pool = [threading.Thread(target=download, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    print(f"prewarmed {len(urls)} item PDFs in {time.monotonic() - started:.0f} s", flush=True)


def run_load(port, world, args):
    """Every rep in its own thread; samples before the warm-up ends are set aside."""
    lock = threading.Lock()
    samples = []
    started = time.monotonic()
    measure_from = started + args.warmup
    until = measure_from + args.duration
    failures = []

    def record(kind, elapsed, error, path):
        now = time.monotonic()
        with lock:
            samples.append((kind, now, elapsed, error, path))

    def run(index, username):
        rng = random.Random(index)
        rep = Rep(port, username, record)
        try:
            if not rep.sign_in():
                failures.append(f"{username} could not sign in")
                return
            pack = world["packs"][index % len(world["packs"])] if world["packs"] else None
            rep.loop(rng, pack, args.pack_share, args.think, until)
        except Exception as exc:  # noqa: BLE001 - reported, and the run goes on
            failures.append(f"{username}: {type(exc).__name__}: {exc}")

    def read(index, token):
        rng = random.Random(1000 + index)
        buyer = Buyer(port, f"buyer-{index}", record)
        try:
            buyer.loop(rng, token, args.buyer_pdf_share, args.think, until)
        except Exception as exc:  # noqa: BLE001 - reported, and the run goes on
            failures.append(f"buyer {index}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=run, args=(i, name), daemon=True)
        for i, name in enumerate(world["users"][: args.reps])
    ]
    buyers = world.get("shares", [])[: args.buyers]
    threads += [
        threading.Thread(target=read, args=(i, token), daemon=True)
        for i, token in enumerate(buyers)
    ]
    print(
        f"{args.reps} reps and {len(buyers)} buyers, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s measured, "
        f"think {args.think:g} s "
        f"({args.worker_class}, {args.workers} workers"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + f", cache {args.cache})",
        flush=True,
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, until - time.monotonic() + 120))
    measured_seconds = min(time.monotonic(), until) - measure_from
    return {
        "samples": samples,
        "measure_from": measure_from,
        "measured_seconds": measured_seconds,
        "failures": failures,
        "stuck_reps": sum(thread.is_alive() for thread in threads),
    }


# Report -------------------------------------------------------------------------------

ORDER = [
    "library",
    "filtered",
    "search",
    "item",
    "pdf (fast-cached)",
    "pdf (cached)",
    "pdf (rendered)",
    "pdf (revalidated)",
    "pdf",
    "cached PDFs, all",
    "pack (fast-cached)",
    "pack (cached)",
    "pack (rendered)",
    "pack",
    "share page",
    "share pdf",
    "login form",
    "sign in",
]


# Server-Timing descriptions of a PDF answered from the PDF cache (the view, or the
# fast path of assets.pdf.fast when it is installed).
CACHED_PDF_KINDS = ("pdf (cached)", "pdf (fast-cached)")


def percentile(values, fraction):
    return library.percentile(values, fraction) if values else 0.0


def report(args, world, results):
    groups = defaultdict(lambda: {"times": [], "errors": []})
    warmup = defaultdict(lambda: {"count": 0, "errors": 0})
    for kind, at, elapsed, error, path in results["samples"]:
        # Sign-ins happen in the warm-up: they count wherever they fall.
        if at < results["measure_from"] and kind not in ("login form", "sign in"):
            warmup[kind]["count"] += 1
            warmup[kind]["errors"] += bool(error)
            continue
        group = groups[kind]
        group["times"].append(elapsed)
        if error:
            group["errors"].append(f"{error} — {path}")
    seconds = results["measured_seconds"]
    rows = []
    print(
        f"\n{args.db}, {args.items} items, {args.reps} reps, {args.buyers} buyers, "
        f"think {args.think:g} s, "
        f"{seconds:.0f} s measured"
    )
    header = f"{'request':<18} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
    print(header + f"{'max ms':>8} {'errors':>6}")
    kinds = sorted(groups, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))
    for kind in kinds:
        times, errors = groups[kind]["times"], groups[kind]["errors"]
        row = {
            "request": kind,
            "count": len(times),
            "per_second": len(times) / seconds if seconds > 0 else 0,
            "p50_ms": percentile(times, 0.50) * 1000,
            "p95_ms": percentile(times, 0.95) * 1000,
            "max_ms": max(times) * 1000 if times else 0,
            "errors": len(errors),
            "error_examples": sorted(set(errors))[:5],
        }
        rows.append(row)
        print(
            f"{kind:<18} {row['count']:>6} {row['per_second']:>7.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['max_ms']:>8.1f} {row['errors']:>6}"
        )
    # The goal is about every PDF served from the cache, by either path.
    cached_times = [t for kind in CACHED_PDF_KINDS if kind in groups for t in groups[kind]["times"]]
    if cached_times:
        rows.append(
            {
                "request": "cached PDFs, all",
                "count": len(cached_times),
                "per_second": len(cached_times) / seconds if seconds > 0 else 0,
                "p50_ms": percentile(cached_times, 0.50) * 1000,
                "p95_ms": percentile(cached_times, 0.95) * 1000,
                "max_ms": max(cached_times) * 1000,
                "errors": 0,
                "error_examples": [],
                "summary": True,
            }
        )
        row = rows[-1]
        print(
            f"{row['request']:<18} {row['count']:>6} {row['per_second']:>7.1f} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}"
        )
    measured = [
        r for r in rows if r["request"] not in ("login form", "sign in") and not r.get("summary")
    ]
    total = sum(r["count"] for r in measured)
    errors = (
        sum(r["errors"] for r in rows)
        + sum(w["errors"] for w in warmup.values())
        + len(results["failures"])
    )
    print("warm-up:", ", ".join(f"{k} {w['count']}" for k, w in sorted(warmup.items())))
    cached = next((r for r in rows if r["request"] == "cached PDFs, all"), None)
    print(f"all (measured)     {total:>6} {total / seconds if seconds > 0 else 0:>7.1f}")
    for row in rows:
        for example in row["error_examples"]:
            print(f"  error, {row['request']}: {example}")
    for failure in results["failures"]:
        print(f"  rep failed: {failure}")
    goals = {
        "zero errors": errors == 0 and not results["stuck_reps"],
        f"p95 of cached PDFs < {GOAL_CACHED_PDF_P95_MS} ms": bool(
            cached and cached["p95_ms"] < GOAL_CACHED_PDF_P95_MS
        ),
    }
    for goal, met in goals.items():
        print(f"goal: {goal}: {'met' if met else 'NOT met'}")
    out = Path(args.out) if args.out else ROOT / "bench" / "out" / f"load-{args.db}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "db": args.db,
                "items": args.items,
                "reps": args.reps,
                "buyers": args.buyers,
                "warmup_s": args.warmup,
                "think_s": args.think,
                "prewarm": args.prewarm,
                "pack_share": args.pack_share,
                "measured_s": seconds,
                "server": {
                    "worker_class": args.worker_class,
                    "workers": args.workers,
                    "threads": args.threads if args.worker_class == "gthread" else 1,
                    "cache": args.cache,
                },
                "cpus": os.cpu_count(),
                "packs": world["packs"],
                "requests": total,
                "per_second": total / seconds if seconds > 0 else 0,
                "errors": errors,
                "rep_failures": results["failures"],
                "goals": goals,
                "results": rows,
                "warmup": dict(warmup),
            },
            indent=2,
        )
    )
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return all(goals.values())


# Setup (runs inside Django, against the bench database) -------------------------------


def setup(reps, buyers=0):
    """Sign-in accounts for the reps, call packs that have content and share links for
    the buyers; prints JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from assets.filters import CallContext
    from assets.pdf.documents import PackDocument
    from cms import roles
    from cms.models import JourneyStage, Segment, ServiceLine

    group = Group.objects.get(name=roles.SALES_REPS)
    users = []
    for number in range(1, reps + 1):
        username = f"load-rep-{number:02d}"
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": "Load", "last_name": f"Rep {number}"},
        )
        # Staff, so they are sent Server-Timing (cms.middleware): the benchmark splits
        # cached from rendered PDFs by it. Nothing else reps see depends on it.
        if created or not user.is_staff or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.is_staff = True
            user.save()
        user.groups.add(group)
        users.append(username)

    rep = get_user_model().objects.get(username=users[0]) if users else None
    packs = []
    for line in ServiceLine.objects.order_by("name"):
        for stage in JourneyStage.objects.order_by("order")[:3]:
            for segment in Segment.objects.order_by("name")[:2]:
                document = PackDocument.build(user=rep, context=CallContext(line, stage, segment))
                if not document.is_empty:
                    packs.append(
                        {"service_line": line.slug, "stage": stage.slug, "segment": segment.slug}
                    )
                    break
            if packs and packs[-1]["service_line"] == line.slug:
                break
        if len(packs) >= 4:
            break
    print(json.dumps({"users": users, "packs": packs, "shares": share_links(rep, buyers)}))


def share_links(rep, buyers):
    """Tokens of ``buyers`` active links from ``rep`` (made once, then reused)."""
    from django.db.models import Q
    from django.utils import timezone

    from assets.selectors import visible_library_items
    from shares.models import Share
    from shares.services import create_share

    if rep is None or buyers <= 0:
        return []
    active = Share.objects.filter(
        created_by=rep,
        revoked_at=None,
        expires_at__gt=timezone.now(),
        recipient__startswith="Load buyer",
    )
    tokens = list(active.order_by("pk").values_list("token", flat=True)[:buyers])
    items = list(
        visible_library_items(rep)
        .filter(~Q(audience="internal"), ~Q(kind="talk-track"))
        .order_by("-approved_at")[: 2 * buyers]
    )
    for number in range(len(tokens), buyers):
        pages = items[2 * number : 2 * number + 2] or items[:1]
        share = create_share(
            user=rep,
            pages=pages,
            recipient=f"Load buyer {number + 1}",
            organisation="Bench Family Medicine",
        )
        tokens.append(share.token)
    return tokens


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyboardInterrupt, Stopped) as stopped:
        sys.exit(str(stopped) or "bench/load.py: interrupted")
