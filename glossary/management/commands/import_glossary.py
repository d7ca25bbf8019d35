"""``python manage.py import_glossary FILE.csv [--user NAME] [--submit] [--dry-run]``.

Loads a glossary spreadsheet (format: ``glossary/csv_io.py``, docs/terminology.md).
Every new or changed term becomes a draft; nothing is ever published here. With
``--submit`` the drafts are submitted to the glossary review workflow as ``--user``.
A file with any bad row imports nothing and lists every problem with its line number.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from glossary import csv_io
from glossary.importing import glossary_import_text


class Command(BaseCommand):
    help = "Import a glossary CSV as draft terms (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The glossary CSV file.")
        parser.add_argument(
            "--user",
            help="Username the drafts (and a --submit) are recorded as; new terms' owner.",
        )
        parser.add_argument(
            "--submit",
            action="store_true",
            help="Submit new and changed terms to the review workflow (needs --user).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; save nothing."
        )

    def handle(self, *args, file, user=None, submit=False, dry_run=False, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user “{user}”.", returncode=2)
        if submit and account is None:
            raise CommandError("--submit needs --user: someone has to submit.", returncode=2)
        try:
            text = csv_io.read_text(file)
            if dry_run:
                result = self._dry_run(text, account)
            else:
                result = glossary_import_text(text=text, user=account, submit=submit)
        except csv_io.GlossaryFileError as error:  # every problem, format and database
            for line in error.report():
                self.stderr.write(f"{file}: {line}")
            raise CommandError(
                f"Nothing was imported from {file}: fix the problems above.",
                returncode=1,
            ) from error
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(f"{verb} {file}: {result.summary()}.")
        changed = len(result.created) + len(result.updated)
        if changed and not submit and not dry_run:
            self.stdout.write(
                "The new and changed terms are drafts: they are enforced once approved. "
                "Submit them for review in the admin, or run again with --submit --user NAME."
            )

    def _dry_run(self, text, account):
        from django.db import transaction

        class _Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                result = glossary_import_text(text=text, user=account)
                raise _Rollback
        except _Rollback:
            pass
        return result
