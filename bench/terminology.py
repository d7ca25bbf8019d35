"""Benchmark the terminology matcher against the naive one-regex-per-variant loop.

Generates a reproducible corpus (seeded) of documents of about 400 words and a
glossary of 2,000 disallowed variants, plants variants in the documents (with
varied case, hyphens and line breaks) plus near misses inside longer words,
then measures:

* ``Matcher.find`` over every document (median of three runs);
* ``naive_find`` over the first ``--naive-docs`` documents only, because it is
  slow, extrapolated to a rate, and checked to give the same findings.

Usage::

    .venv/bin/python bench/terminology.py [--docs 10000] [--naive-docs 100] [--seed 1]

Exits non-zero when the two implementations disagree.

With ``--stored`` it measures the whole check of stored content instead (needs
Django and a database): the same corpus stored as 10,000 live enablement assets
(one rich-text block per paragraph) and the glossary as approved ``GlossaryTerm``
rows, then the time to load every asset, extract its text and match it, as
``check_terminology --live-only`` does::

    .venv/bin/python bench/terminology.py --stored [--docs 10000] [--stored-db PATH]

The database is a throwaway SQLite file (``--stored-db`` keeps it for the next
run; ``DATABASE_URL`` picks another database). Building it takes a few minutes.

With ``--big-file`` it measures one big document: the corpus concatenated into a file
of ``--megabytes`` (50) MB with about 10,000 findings, checked in-process with
``check_document`` (what ``check_terminology`` does per file), then by the real
command, ``check_terminology --glossary … --format json FILE > /dev/null``, in a child
process whose wall time and peak memory (max RSS) are reported::

    .venv/bin/python bench/terminology.py --big-file [--megabytes 50]

With ``--files`` it writes ``--docs`` files of ``--words`` (300) words and the
glossary as CSV, runs ``check_terminology --glossary … --format json`` over all of
them and over one of them, and reports the rate net of start-up (the difference)::

    .venv/bin/python bench/terminology.py --files [--docs 10000] [--words 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glossary.terminology import Matcher, Term, naive_find  # noqa: E402

WORDS_PER_DOCUMENT = 400
VARIANT_COUNT = 2_000
SERVICE_LINES = ("cardiology", "orthopedics", "behavioral-health", "virtual-primary-care")
TARGET_RATE = 5_000
TARGET_RATIO = 500
BIG_FILE_TARGET_SECONDS = 5
FILES_TARGET_RATE = 5_000

# fmt: off
DOMAIN_WORDS = (
    "patient", "care", "clinic", "referral", "physician", "nurse", "cardiac", "rehab", "heart",
    "failure", "program", "consult", "visit", "appointment", "coverage", "plan", "employer",
    "outcome", "pathway", "discharge", "follow", "up", "team", "service", "line", "capacity",
    "wait", "time", "access", "quality", "evidence", "trial", "therapy", "screening",
    "diagnosis", "treatment", "recovery", "community", "hospital", "primary", "virtual",
    "health", "behavioral", "orthopedic", "joint", "knee", "hip", "spine", "surgery", "imaging",
    "lab", "results", "insurance",
)
# fmt: on
SYLLABLES = (*(c + v for c in "bcdfghklmnprstvz" for v in "aeiou"), "ar", "en", "or", "ion")
# Gaps between words and sentence ends, with their weights: mostly plain spaces,
# some line breaks and paragraph breaks, a few double spaces.
WORD_GAPS = {" ": 90, "\n": 6, ", ": 3, "  ": 1}
SENTENCE_ENDS = {". ": 70, ".  ": 5, ".\n": 10, ".\n\n": 12, "! ": 3}
# Words that make a document non-ASCII (in about one document in five).
FANCY_WORDS = ("café", "naïve", "Ärzte", "patient’s", "co\u2011pay", "24\u00a0hours", "“care”")


def weighted_choice(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    words = dict.fromkeys(DOMAIN_WORDS)
    while len(words) < size:
        words[pseudo_word(rng)] = None
    return list(words)


def make_glossary(rng: random.Random, vocabulary: list[str]) -> list[Term]:
    """Terms with one to four variants each, ``VARIANT_COUNT`` variants in all.

    Most variants are 2-4 word phrases of common words, some hyphenated; some
    are single rare words, and a few are case-sensitive acronyms.
    """
    common = vocabulary[:2_000]
    used: set[str] = set(vocabulary)
    terms: list[Term] = []
    variant_total = 0
    while variant_total < VARIANT_COUNT:
        kind = rng.random()
        count = min(rng.randint(1, 4), VARIANT_COUNT - variant_total)
        variants: list[str] = []
        while len(variants) < count:
            if kind < 0.05:
                variant = "".join(rng.choice("ABCDEFGHKLMNPRST") for _ in range(rng.randint(2, 4)))
            elif kind < 0.2:
                variant = pseudo_word(rng) + pseudo_word(rng)
            else:
                words = rng.sample(common, rng.randint(2, 4))
                joiner = "-" if rng.random() < 0.2 else " "
                variant = joiner.join(words[:2]) + "".join(" " + word for word in words[2:])
            if variant.lower() not in used:
                used.add(variant.lower())
                variants.append(variant)
        service_line = None if rng.random() < 0.6 else rng.choice(SERVICE_LINES)
        terms.append(
            Term(
                key=len(terms),
                preferred=f"preferred term {len(terms)}",
                variants=tuple(variants),
                case_sensitive=kind < 0.05 and rng.random() < 0.5,
                service_line=service_line,
            )
        )
        variant_total += count
    return terms


def render_variant(rng: random.Random, variant: str, case_sensitive: bool) -> str:
    """The variant as a writer might type it: other case, separators, hyphens."""
    words = variant.replace("-", " ").split()
    if not case_sensitive:
        words = [rng.choice((word, word.upper(), word.capitalize())) for word in words]
    separators = [rng.choice((" ", " ", "\n", "-", "\u2011", "  ")) for _ in words[1:]]
    return words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))


def make_document(
    rng: random.Random,
    vocabulary: list[str],
    weights: list[float],
    terms: list[Term],
    words_per_document: int = WORDS_PER_DOCUMENT,
    plants: int = 4,
) -> str:
    words = rng.choices(vocabulary, weights, k=words_per_document)
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = rng.choice(FANCY_WORDS)
    for _ in range(rng.randint(0, plants)):
        term = rng.choice(terms)
        variant = rng.choice(term.variants)
        words[rng.randrange(len(words))] = render_variant(rng, variant, term.case_sensitive)
    for _ in range(rng.randint(0, 3)):
        near_miss = rng.choice(rng.choice(terms).variants).split()[-1]
        # Longer words that start with a variant's word (a plural would be a finding).
        words[rng.randrange(len(words))] = near_miss + rng.choice(("ly", "ing", "_x", "ed"))
    parts: list[str] = []
    sentence_left = 0
    for word in words:
        if sentence_left == 0:
            sentence_left = rng.randint(6, 20)
            if parts:
                parts.append(weighted_choice(rng, SENTENCE_ENDS))
            word = word[:1].upper() + word[1:]
        elif parts:
            parts.append(weighted_choice(rng, WORD_GAPS))
        parts.append(word)
        sentence_left -= 1
    parts.append(".")
    return "".join(parts)


def make_corpus(
    seed: int, documents: int, words: int = WORDS_PER_DOCUMENT, plants: int = 4
) -> tuple[list[Term], list[tuple[str, str]]]:
    """The glossary, and (service line, text) pairs."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, 6_000)
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    terms = make_glossary(rng, vocabulary)
    corpus = [
        (
            rng.choice(SERVICE_LINES),
            make_document(rng, vocabulary, weights, terms, words, plants),
        )
        for _ in range(documents)
    ]
    return terms, corpus


def time_matcher(matcher: Matcher, corpus: list[tuple[str, str]]) -> tuple[float, int]:
    started = time.perf_counter()
    findings = sum(len(matcher.find(text, [service_line])) for service_line, text in corpus)
    return time.perf_counter() - started, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents (default 10000)")
    parser.add_argument(
        "--naive-docs", type=int, default=100, help="documents for the naive loop (default 100)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--stored",
        action="store_true",
        help="measure the check of stored content (load, extract, match) instead",
    )
    parser.add_argument(
        "--stored-db", help="SQLite file for --stored, kept and reused (default: a temp file)"
    )
    parser.add_argument("--big-file", action="store_true", help="measure one big document instead")
    parser.add_argument("--megabytes", type=int, default=50, help="size for --big-file")
    parser.add_argument(
        "--files", action="store_true", help="measure check_terminology over many files"
    )
    parser.add_argument("--words", type=int, default=300, help="words per file for --files")
    args = parser.parse_args()

    if args.stored:
        return bench_stored(args)
    if args.big_file:
        return bench_big_file(args)
    if args.files:
        return bench_files(args)

    terms, corpus = make_corpus(args.seed, args.docs)
    variants = sum(len(term.variants) for term in terms)
    characters = sum(len(text) for _, text in corpus)
    print(
        f"corpus: {len(corpus)} documents, {WORDS_PER_DOCUMENT} words each "
        f"({characters / len(corpus):.0f} characters on average); "
        f"glossary: {len(terms)} terms, {variants} variants (seed {args.seed})"
    )

    started = time.perf_counter()
    matcher = Matcher(terms)
    print(f"Matcher built in {(time.perf_counter() - started) * 1000:.0f} ms")

    runs = [time_matcher(matcher, corpus) for _ in range(3)]
    elapsed = statistics.median(seconds for seconds, _ in runs)
    findings = runs[0][1]
    rate = len(corpus) / elapsed
    print(
        f"Matcher: {rate:,.0f} documents/s (median of 3 runs, {elapsed:.2f} s each); "
        f"{findings} findings in {len(corpus)} documents"
    )

    subset = corpus[: args.naive_docs]
    naive_find(terms, "warm up")  # Compiles the regexes once, as the matcher is built once.
    started = time.perf_counter()
    naive = [naive_find(terms, text, [service_line]) for service_line, text in subset]
    naive_rate = len(subset) / (time.perf_counter() - started)
    print(
        f"naive:   {naive_rate:,.1f} documents/s (one run over the first {len(subset)} "
        f"documents only, extrapolated: the naive loop is slow)"
    )

    fast = [matcher.find(text, [service_line]) for service_line, text in subset]
    agree = fast == naive
    print(
        f"results on those {len(subset)} documents: "
        f"{'identical' if agree else 'DIFFERENT'} ({sum(map(len, fast))} findings)"
    )
    ratio = rate / naive_rate
    print(f"speed-up: {ratio:,.0f}x")
    print(
        f"goals: >= {TARGET_RATE:,} documents/s {'met' if rate >= TARGET_RATE else 'NOT met'}; "
        f">= {TARGET_RATIO}x naive {'met' if ratio >= TARGET_RATIO else 'NOT met'}"
    )
    return 0 if agree else 1


# Files through the command: one big file, and many small ones.


def _glossary_csv(terms: list[Term], path: Path) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["service_line", "preferred", "variants", "kind", "case_sensitive"])
        for term in terms:
            writer.writerow(
                [
                    term.service_line or "",
                    term.preferred,
                    "|".join(term.variants),
                    "clinical_term",
                    "true" if term.case_sensitive else "false",
                ]
            )


def _run_command(arguments: list[str]) -> tuple[float, int, int]:
    """Run ``manage.py check_terminology`` in a child process, output to /dev/null:
    (wall seconds, exit status, peak RSS of the child in MB)."""
    import os
    import resource
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parent.parent
    environment = dict(os.environ)
    # The command reads no database with --glossary; any path will do.
    environment.setdefault(
        "DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/concord-bench-unused.sqlite3"
    )
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        status = subprocess.call(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "manage.py", "check_terminology", *arguments],
            cwd=root,
            stdout=devnull,
            env=environment,
        )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return elapsed, status, peak


def bench_big_file(args: argparse.Namespace) -> int:
    import os
    import tempfile

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    from glossary.checking import check_document

    target = args.megabytes * 1_000_000
    # One planted variant in about one document of two: ~10,000 findings in 50 MB.
    terms, corpus = make_corpus(args.seed, max(1, target // 2_100), plants=1)
    text = "\n\n".join(document for _, document in corpus)
    while len(text) < target:
        text += "\n\n" + text[: target - len(text)]
    text = text[:target]
    matcher = Matcher(terms)
    print(
        f"big file: {len(text) / 1e6:.1f} M characters ({len(corpus)} generated documents), "
        f"glossary: {len(terms)} terms, {sum(len(t.variants) for t in terms)} variants"
    )
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        findings = check_document(text, matcher=matcher)
        runs.append(time.perf_counter() - started)
    elapsed = statistics.median(runs)
    print(
        f"check_document: {len(findings):,} findings in {elapsed:.2f} s "
        f"(median of 3: {', '.join(f'{run:.2f}' for run in runs)})"
    )
    with tempfile.TemporaryDirectory(prefix="concord-bench-") as folder:
        glossary = Path(folder) / "glossary.csv"
        _glossary_csv(terms, glossary)
        big = Path(folder) / "big.txt"
        big.write_text(text, encoding="utf-8")
        del text
        seconds, status, peak = _run_command(
            ["--glossary", str(glossary), "--format", "json", str(big)]
        )
    print(
        f"check_terminology --format json: {seconds:.2f} s wall (start-up included), "
        f"exit status {status}, peak memory of the process {peak} MB"
    )
    met = elapsed <= BIG_FILE_TARGET_SECONDS
    print(
        f"goal: <= {BIG_FILE_TARGET_SECONDS} s for {args.megabytes} MB "
        f"{'met' if met else 'NOT met'} (check_document)"
    )
    return 0 if status == 1 else 1


def bench_files(args: argparse.Namespace) -> int:
    import tempfile

    terms, corpus = make_corpus(args.seed, args.docs, words=args.words)
    with tempfile.TemporaryDirectory(prefix="concord-bench-") as folder:
        glossary = Path(folder) / "glossary.csv"
        _glossary_csv(terms, glossary)
        paths = []
        for number, (_, text) in enumerate(corpus):
            path = Path(folder) / f"doc-{number:05d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        characters = sum(len(text) for _, text in corpus)
        print(
            f"{len(paths)} files of {args.words} words ({characters / len(paths):.0f} "
            f"characters on average), glossary: {len(terms)} terms, "
            f"{sum(len(t.variants) for t in terms)} variants"
        )
        common = ["--glossary", str(glossary), "--format", "json"]
        one = statistics.median(_run_command([*common, paths[0]])[0] for _ in range(3))
        every, status, peak = _run_command([*common, *paths])
    net = every - one
    rate = len(paths) / net
    print(
        f"check_terminology: one file {one:.2f} s (start-up: Django, reading and "
        f"validating the glossary), {len(paths)} files {every:.2f} s, exit status {status}, "
        f"peak memory {peak} MB"
    )
    print(f"net of start-up: {rate:,.0f} files/s")
    met = rate >= FILES_TARGET_RATE
    print(f"goal: >= {FILES_TARGET_RATE:,} files/s {'met' if met else 'NOT met'}")
    return 0


# Stored content: load, extract and match 10,000 assets through the Django stack.

STORED_TARGET_SECONDS = 10


def bench_stored(args: argparse.Namespace) -> int:
    import os
    import tempfile

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        path = args.stored_db or tempfile.mkstemp(prefix="concord-bench-", suffix=".sqlite3")[1]
        if not args.stored_db:
            temporary = path
            os.unlink(path)
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(path)}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    try:
        return _bench_stored(args)
    finally:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)


def _bench_stored(args: argparse.Namespace) -> int:
    import os
    from collections import Counter

    from django.core.management import call_command
    from django.db import connection

    from assets.models import EnablementAssetPage
    from glossary.checking import check_stored, find_in_text
    from glossary.matching import get_matcher
    from glossary.selectors import stored_versions

    terms, corpus = make_corpus(args.seed, args.docs)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    if EnablementAssetPage.objects.count() != len(corpus):
        started = time.perf_counter()
        _store_corpus(terms, corpus)
        print(
            f"stored {len(corpus)} assets and {len(terms)} terms in "
            f"{time.perf_counter() - started:.0f} s (setup, not timed)"
        )

    # What the stored check must find: the matcher over each document's paragraphs.
    matcher = get_matcher()
    expected = Counter()
    for service_line, text in corpus:
        for paragraph in _paragraphs(text):
            for finding in find_in_text(paragraph, matcher=matcher, service_lines=[service_line]):
                expected[finding.term_key, finding.variant] += 1

    runs, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        found = Counter()
        checked = 0
        matcher = get_matcher()
        for stored in stored_versions(live_only=True, models=[EnablementAssetPage]):
            checked += 1
            for finding in check_stored(stored, matcher=matcher):
                found[finding.term_key, finding.variant] += 1
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    elapsed = statistics.median(runs)
    agree = found == expected and checked == len(corpus)
    print(
        f"stored check: {checked} assets loaded, extracted and matched in {elapsed:.2f} s "
        f"(median of 3: {', '.join(f'{run:.2f}' for run in runs)}), "
        f"{checked / elapsed:,.0f} assets/s; {sum(found.values())} findings"
    )
    print(
        f"CPU time of this process: {statistics.median(cpu):.2f} s (median); the rest of the "
        f"wall time is waiting for the database and for a CPU (load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    print(
        f"findings {'identical to' if agree else 'DIFFERENT from'} the matcher run directly "
        "on the corpus paragraphs"
    )
    print(
        f"goal: <= {STORED_TARGET_SECONDS} s for 10,000 assets "
        f"{'met' if elapsed * 10_000 / len(corpus) <= STORED_TARGET_SECONDS else 'NOT met'}"
    )
    return 0 if agree else 1


def _paragraphs(text: str) -> list[str]:
    import re

    return [part for part in re.split(r"\n[^\S\n]*\n", text) if part.strip()]


def _store_corpus(terms: list[Term], corpus: list[tuple[str, str]]) -> None:
    """The glossary as approved terms and the corpus as live assets (one block a paragraph)."""
    import datetime
    import html

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from assets.models import EnablementAssetPage
    from assets.services import ensure_library
    from cms import freshness
    from cms.demo import seed_site
    from cms.models import ServiceLine
    from glossary.models import GlossaryTerm

    # Indexing 10,000 pages for search is not what this measures.
    for backend in settings.WAGTAILSEARCH_BACKENDS.values():
        backend["AUTO_UPDATE"] = False

    class _Context:
        home = None

    context = _Context()
    seed_site(context)
    library = ensure_library(home=context.home)
    lines = {}
    for index, slug in enumerate(SERVICE_LINES):
        lines[slug], _ = ServiceLine.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").title(), "code": f"SL{index}"}
        )
    review_by = timezone.localdate() + datetime.timedelta(days=365)
    with transaction.atomic():
        GlossaryTerm.objects.all().delete()
        GlossaryTerm.objects.bulk_create(
            GlossaryTerm(
                pk=term.key + 1,
                preferred=term.preferred,
                variants="\n".join(term.variants),
                case_sensitive=term.case_sensitive,
                service_line=lines.get(term.service_line),
                live=True,
                approval_code=f"BENCH-GT-{term.key:04d}",
                approval_version=1,
                review_by=review_by,
            )
            for term in terms
        )
    freshness.bump()
    EnablementAssetPage.objects.all().delete()
    with transaction.atomic():
        for number, (service_line, text) in enumerate(corpus):
            body = [
                ("paragraph", "<p>" + html.escape(paragraph, quote=False) + "</p>")
                for paragraph in _paragraphs(text)
            ]
            page = EnablementAssetPage(
                title=f"Generated asset {number}",
                slug=f"generated-asset-{number}",
                kind="one-pager",
                summary="A generated asset for the terminology benchmark.",
                body=body,
                live=True,
                approval_code=f"BENCH-OP-{number:05d}",
                review_by=review_by,
            )
            page.service_lines = [lines[service_line]]
            library.add_child(instance=page)


if __name__ == "__main__":
    sys.exit(main())
