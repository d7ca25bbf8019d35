"""Big inputs: the work grows with the text plus the findings, never their product, and
``check_terminology`` writes findings as it finds them. (Timings: bench/terminology.py.)"""

import json
import re
from io import StringIO

import pytest

from glossary import checking
from glossary.checking import check_document, find_in_text
from glossary.management.commands import check_terminology
from glossary.terminology import Matcher, Term
from tests.glossary.test_commands import run

MATCHER = Matcher([Term("rehab", "Cardiac Rehabilitation Program", ("cardiac rehab",))])


class CountingPattern:
    """A compiled regex that counts the characters its searches are given to scan."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.scanned = 0

    def _span(self, text, pos, endpos):
        return (len(text) if endpos is None else min(endpos, len(text))) - pos

    def finditer(self, text, pos=0, endpos=None):
        self.scanned += self._span(text, pos, endpos)
        return self.pattern.finditer(text, pos, len(text) if endpos is None else endpos)

    def search(self, text, pos=0, endpos=None):
        self.scanned += self._span(text, pos, endpos)
        return self.pattern.search(text, pos, len(text) if endpos is None else endpos)


@pytest.fixture
def work(monkeypatch):
    """How much text the paragraph and line lookups read, and how often."""
    counters = {
        "paragraph": CountingPattern(checking._PARAGRAPH_BREAK),
        "block": CountingPattern(checking._BLOCK_BREAK),
        "line_starts": 0,
    }
    monkeypatch.setattr(checking, "_PARAGRAPH_BREAK", counters["paragraph"])
    monkeypatch.setattr(checking, "_BLOCK_BREAK", counters["block"])
    real_line_starts = checking.line_starts

    def counting_line_starts(text):
        counters["line_starts"] += len(text)
        return real_line_starts(text)

    monkeypatch.setattr(checking, "line_starts", counting_line_starts)
    return counters


def document(findings: int, paragraphs: int = 2_000) -> str:
    """``paragraphs`` paragraphs, ``findings`` of them with a variant, same length."""
    parts = []
    for index in range(paragraphs):
        words = "cardiac rehab" if index < findings else "cardiac rehax"
        parts.append(f"Paragraph {index:05d} line one\nabout {words} and more.")
    return "\n\n".join(parts)


def read(counters) -> int:
    return counters["paragraph"].scanned + counters["block"].scanned + counters["line_starts"]


@pytest.mark.parametrize("findings", [10, 2_000])
def test_locating_findings_reads_the_text_a_bounded_number_of_times(work, findings):
    text = document(findings)
    result = find_in_text(text, matcher=MATCHER)
    assert len(result) == findings
    # Breaks and line starts are found once per text, whatever the number of findings
    # (each finding rescanning from the start would read findings × length).
    assert read(work) <= 2 * len(text) + sum(len(f.found) for f in result)
    assert result[-1].context.startswith("…") or result[-1].context.startswith("Paragraph")


def test_the_work_is_the_same_for_ten_findings_and_for_two_thousand(work):
    few = document(10)
    many = document(2_000)
    assert len(few) == len(many)
    find_in_text(few, matcher=MATCHER)
    work_for_few = read(work)
    for counter in ("paragraph", "block"):
        work[counter].scanned = 0
    work["line_starts"] = 0
    find_in_text(many, matcher=MATCHER)
    assert read(work) <= work_for_few + sum(len("cardiac rehab") for _ in range(2_000))


def test_a_phrase_across_a_break_falls_back_to_paragraphs_and_stays_linear(work):
    text = "cardiac\n\nrehab\n\n" + document(1_000)
    result = find_in_text(text, matcher=MATCHER)
    assert len(result) == 1_000
    assert read(work) <= 3 * len(text) + sum(len(f.found) for f in result)


def test_html_documents_find_line_starts_once(work):
    source = "\n".join(f"<p>Line {index} about cardiac rehab.</p>" for index in range(1_000))
    result = check_document(source, matcher=MATCHER, html=True)
    assert len(result) == 1_000
    assert result[-1].line == 1_000
    assert work["line_starts"] <= 2 * len(source)


# Streaming output


class RecordingStream(StringIO):
    """Stdout that notes, for every write, how many files had been checked."""

    def __init__(self, events):
        super().__init__()
        self.events = events

    def write(self, text):
        if text.strip():
            self.events.append(("write", text.count('"found"')))
        return super().write(text)


@pytest.fixture
def files(tmp_path, glossary_file):
    paths = []
    for index in range(3):
        path = tmp_path / f"draft-{index}.txt"
        path.write_text(f"Draft {index}: cardiac rehab and heart rehab.\n", encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture
def glossary_file(tmp_path):
    from tests.glossary.test_commands import GLOSSARY

    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


@pytest.mark.parametrize("format", ["json", "text"])
def test_findings_are_written_as_each_file_is_checked(
    db, monkeypatch, files, glossary_file, format
):
    events = []
    real_check = check_terminology.check_document

    def recording_check(text, **kwargs):
        events.append(("check", None))
        return real_check(text, **kwargs)

    monkeypatch.setattr(check_terminology, "check_document", recording_check)
    stdout = RecordingStream(events)
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command(
            "check_terminology",
            "--format",
            format,
            "--glossary",
            str(glossary_file),
            *files,
            stdout=stdout,
        )
    kinds = [kind for kind, _ in events]
    # check, write, write, check, write, write, ...: never all findings held at once.
    assert kinds[0] == "check"
    assert kinds.index("write") < kinds.index("check", 1)
    assert kinds.count("check") == 3
    if format == "json":
        assert all(count <= 1 for kind, count in events if kind == "write")
        assert len(json.loads(stdout.getvalue())) == 6


def test_json_output_is_one_valid_list_for_many_findings(db, tmp_path, glossary_file):
    big = tmp_path / "big.txt"
    big.write_text("cardiac rehab, heart rehab.\n" * 5_000, encoding="utf-8")
    status, out, _ = run(
        "check_terminology", "--format", "json", "--glossary", str(glossary_file), str(big)
    )
    assert status == 1
    findings = json.loads(out)
    assert len(findings) == 10_000
    assert findings[-1]["line"] == 5_000 and findings[-1]["found"] == "heart rehab"


def test_a_missing_file_is_reported_before_any_finding(db, tmp_path, files, glossary_file):
    status, out, err = run(
        "check_terminology", "--glossary", str(glossary_file), files[0], str(tmp_path / "nope.md")
    )
    assert status == 2 and out == "" and "Can't read" in err
