"""``python manage.py check_terminology [--format json] [--glossary FILE.csv] [paths...]``.

Without paths: checks all stored content (the live version of every live object and
the latest draft of every object that has one; ``--live-only`` for live content
only) against the approved glossary. With paths: checks text, Markdown or HTML files
(an e-mail draft, a web export). ``--glossary FILE.csv`` uses a glossary file instead
of the approved terms, validated exactly as an import validates it.

Findings are written as they are found (``--format json`` too), so memory holds one
file or one object at a time, whatever the number of findings.

Exit status: 0 no findings, 1 findings, 2 usage error (unreadable file, bad glossary).
"""

import json
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from glossary import csv_io
from glossary.checking import check_document, check_stored
from glossary.matching import build_matcher, get_matcher
from glossary.selectors import LIVE, stored_versions

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
# Files read to validate them are kept for the check up to this many characters in
# all (many small files are read once); beyond it they are read again, so memory
# holds one big file at a time.
KEEP_READ_CHARACTERS = 32_000_000


class Command(BaseCommand):
    help = "Check stored content, or text/Markdown/HTML files, against the glossary."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files to check (default: stored content).")
        parser.add_argument(
            "--glossary", help="A glossary CSV to check against instead of the approved terms."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--service-line",
            action="append",
            default=[],
            metavar="SLUG",
            help="Files only: apply the global terms and this service line's terms "
            "(repeatable). By default every term applies to files.",
        )
        parser.add_argument(
            "--live-only",
            action="store_true",
            help="Stored content only: check live versions, not drafts.",
        )

    def handle(self, *args, paths, glossary=None, format="text", **options):
        service_lines = options["service_line"]
        if service_lines and not paths:
            raise CommandError("--service-line applies to files only.", returncode=2)
        if options["live_only"] and paths:
            raise CommandError("--live-only applies to stored content only.", returncode=2)
        matcher = self._matcher(glossary)
        if paths:
            # Every file is readable before anything is printed (a usage error never
            # leaves half a report), then each is checked on its own: memory holds one
            # big file and its findings at a time.
            documents = [_document(name) for name in paths]
            kept, size = {}, 0
            for name, _ in documents:
                text = _read(name)
                if size + len(text) <= KEEP_READ_CHARACTERS:  # else it is read again
                    kept[name] = text
                    size += len(text)
            findings = _file_findings(documents, matcher, service_lines or None, kept)
        else:
            findings = _stored_findings(matcher, live_only=options["live_only"])

        write = _write_json if format == "json" else _write_text
        count = write(self.stdout, findings, checked="files" if paths else "stored content")
        if count:
            raise SystemExit(1)

    def _matcher(self, glossary):
        if not glossary:
            return get_matcher()
        try:
            rows = csv_io.read_glossary(glossary)
        except csv_io.GlossaryFileError as error:
            for line in error.report():
                self.stderr.write(f"{glossary}: {line}")
            raise CommandError(f"Can't use the glossary {glossary}.", returncode=2) from error
        return build_matcher(row.term() for row in rows)


def _document(name):
    suffix = Path(name).suffix.lower()
    kind = "html" if suffix in HTML_SUFFIXES else "markdown" if suffix in MARKDOWN_SUFFIXES else ""
    return name, kind


def _read(name) -> str:
    try:
        return Path(name).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CommandError(f"Can't read {name}: {error.strerror}.", returncode=2) from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{name} is not UTF-8 text.", returncode=2) from error


def _file_findings(documents, matcher, service_lines, kept) -> Iterator[dict]:
    for name, kind in documents:
        text = kept.pop(name, None)
        if text is None:
            text = _read(name)
        findings = check_document(
            text,
            matcher=matcher,
            html=kind == "html",
            markdown=kind == "markdown",
            service_lines=service_lines,
        )
        del text  # Only the findings are kept while they are written.
        for finding in findings:
            yield {
                "source": name,
                "field": None,
                "line": finding.line,
                "column": finding.column,
                "found": finding.found,
                "preferred": finding.preferred,
                "replacement": finding.replacement,
                "variant": finding.variant,
                "context": finding.context,
                "term": finding.term_key,
                "service_line": finding.service_line,
            }


def _stored_findings(matcher, *, live_only) -> Iterator[dict]:
    for stored in stored_versions(live_only=live_only):
        for finding in check_stored(stored, matcher=matcher):
            yield {
                "source": stored.source,
                "object": str(stored.obj),
                "type": str(stored.obj._meta.verbose_name),
                "version": stored.version,
                **finding.as_dict(),
            }


def _write_json(stream, findings, *, checked) -> int:
    """A JSON list, written one finding at a time, one finding a line; returns how many.

    (Compact objects: ``indent`` would use the json module's pure-Python encoder, a
    quarter of the command's time over many small files.)
    """
    count = 0
    for finding in findings:
        item = json.dumps(finding, ensure_ascii=False)
        stream.write(("[\n  " if not count else ",\n  ") + item, ending="")
        count += 1
    stream.write("\n]" if count else "[]")
    return count


def _write_text(stream, findings, *, checked) -> int:
    count = 0
    for finding in findings:
        stream.write(_text_line(finding))
        count += 1
    stream.write(f"{count} finding{'s' if count != 1 else ''} in {checked}.")
    return count


def _text_line(finding):
    where = f'"{finding["found"]}" → use "{finding["replacement"]}"'
    if finding["field"] is None:
        return f"{finding['source']}:{finding['line']}:{finding['column']}: {where}"
    version = "" if finding["version"] == LIVE else f" [{finding['version']}]"
    return (
        f"{finding['source']} “{finding['object']}”{version} {finding['field']}, "
        f"line {finding['line']}, col {finding['column']}: {where}"
    )
