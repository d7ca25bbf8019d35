"""``python manage.py check_terminology [--format json] [--glossary FILE.csv] [paths...]``.

Without paths: checks all stored content (the live version of every live object and
the latest draft of every object that has one; ``--live-only`` for live content
only) against the approved glossary. With paths: checks text, Markdown or HTML files
(an e-mail draft, a web export). ``--glossary FILE.csv`` uses a glossary file instead
of the approved terms.

Exit status: 0 no findings, 1 findings, 2 usage error (unreadable file, bad glossary).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from glossary import csv_io
from glossary.checking import check_document, check_stored
from glossary.matching import build_matcher, get_matcher
from glossary.selectors import LIVE, stored_versions

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


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
            findings = self._check_files(paths, matcher, service_lines or None)
        else:
            findings = self._check_stored(matcher, live_only=options["live_only"])

        if format == "json":
            self.stdout.write(json.dumps(findings, ensure_ascii=False, indent=2))
        else:
            for finding in findings:
                self.stdout.write(_text_line(finding))
            checked = "files" if paths else "stored content"
            self.stdout.write(
                f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in {checked}."
            )
        if findings:
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

    def _check_files(self, paths, matcher, service_lines):
        documents = []
        for name in paths:
            path = Path(name)
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except OSError as error:
                raise CommandError(f"Can't read {name}: {error.strerror}.", returncode=2) from error
            except UnicodeDecodeError as error:
                raise CommandError(f"{name} is not UTF-8 text.", returncode=2) from error
            documents.append((name, text, path.suffix.lower() in HTML_SUFFIXES))
        findings = []
        for name, text, is_html in documents:
            for finding in check_document(
                text, matcher=matcher, html=is_html, service_lines=service_lines
            ):
                findings.append(
                    {
                        "source": name,
                        "field": None,
                        "line": finding.line,
                        "column": finding.column,
                        "found": finding.found,
                        "preferred": finding.preferred,
                        "variant": finding.variant,
                        "context": finding.context,
                        "term": finding.term_key,
                        "service_line": finding.service_line,
                    }
                )
        return findings

    def _check_stored(self, matcher, *, live_only):
        findings = []
        for stored in stored_versions(live_only=live_only):
            for finding in check_stored(stored, matcher=matcher):
                findings.append(
                    {
                        "source": stored.source,
                        "object": str(stored.obj),
                        "type": str(stored.obj._meta.verbose_name),
                        "version": stored.version,
                        **finding.as_dict(),
                    }
                )
        return findings


def _text_line(finding):
    where = f'"{finding["found"]}" → use "{finding["preferred"]}"'
    if finding["field"] is None:
        return f"{finding['source']}:{finding['line']}:{finding['column']}: {where}"
    version = "" if finding["version"] == LIVE else f" [{finding['version']}]"
    return (
        f"{finding['source']} “{finding['object']}”{version} {finding['field']}, "
        f"line {finding['line']}, col {finding['column']}: {where}"
    )
