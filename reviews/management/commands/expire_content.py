"""Withdraw everything past its review-by date: ``python manage.py expire_content``.

Run it daily from cron (see docs/reviews.md). Idempotent: what it expired is no longer
live, so a second run finds nothing. Each expiry is logged (``reviews.expire``), its
owner is emailed, it appears in the "Due for re-review" report, and content that uses
an expired approved message is withdrawn with it. Live content that doesn't match an
approval (``reviews.integrity``; made before that rule, or written behind Django's back)
is withdrawn too.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from reviews.services import (
    due_for_expiry,
    expire_content,
    live_but_unapproved,
    withdraw_unapproved,
)


class Command(BaseCommand):
    help = "Withdraw (unpublish) content past its review-by date. Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would expire; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        today = timezone.localdate()
        if dry_run:
            due = list(due_for_expiry(today=today))
            for obj in due:
                self.stdout.write(f"would expire: {self._describe(obj)}")
            self.stdout.write(f"{len(due)} item(s) past their review-by date.")
            for obj, problem in live_but_unapproved():
                self.stdout.write(f"would withdraw: {self._describe(obj)}: {problem}")
            return
        expired = expire_content(today=today)
        withdrawn = withdraw_unapproved()
        if verbosity:
            for obj in expired:
                self.stdout.write(f"expired: {self._describe(obj)}")
            for obj in withdrawn:
                self.stdout.write(
                    f"withdrawn, live without a matching approval: {self._describe(obj)}"
                )
            self.stdout.write(self.style.SUCCESS(f"{len(expired)} item(s) expired."))
            if withdrawn:
                self.stdout.write(self.style.WARNING(f"{len(withdrawn)} item(s) withdrawn."))

    @staticmethod
    def _describe(obj):
        label = getattr(obj, "approval_label", "") or "no approval"
        review_by = f"{obj.review_by:%Y-%m-%d}" if obj.review_by else "none"
        return f"{obj._meta.verbose_name} “{obj}” ({label}, review by {review_by})"
