"""E-mail reviewers about review steps past their due date: ``manage.py remind_reviewers``.

Run it daily from cron (docs/reviews.md). Each reviewer gets at most one reminder per
overdue item per day, so running it again the same day sends nothing.
"""

from django.core.management.base import BaseCommand

from reviews.notifications import remind_overdue


class Command(BaseCommand):
    help = "E-mail reviewers about overdue review steps (once a day per item and reviewer)."

    def handle(self, *args, verbosity=1, **options):
        sent = remind_overdue()
        if verbosity:
            self.stdout.write(f"Sent {sent} reminder{'' if sent == 1 else 's'}.")
