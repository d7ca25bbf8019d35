"""Load the demo organisation: ``python manage.py seed_demo [--password PW] [--migrate]``.

Idempotent: a second run changes nothing. ``--migrate`` applies migrations first, in
the same process. Each app contributes its part through a ``<app>.demo`` module with a
``seed(context)`` function, run in the order below; the content itself is in each
app's ``demo_data/*.yaml`` (``cms.demodata``).
"""

import importlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from cms import indexing

DEMO_MODULES = ["cms.demo", "glossary.demo", "assets.demo", "reviews.demo", "shares.demo"]


@dataclass
class SeedContext:
    password: str
    stdout: object
    users: dict = field(default_factory=dict)
    home: object = None
    extra: dict = field(default_factory=dict)


class Command(BaseCommand):
    help = "Load Concord's demo organisation (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=settings.CONCORD_DEMO_PASSWORD,
            help="Password for newly created demo users (default: %(default)s).",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply database migrations first, in the same process (make run).",
        )

    def handle(self, *args, password, migrate=False, **options):
        if migrate:
            call_command("migrate", interactive=False, stdout=self.stdout, stderr=self.stderr)
        context = SeedContext(password=password, stdout=self.stdout)
        with override_settings(**self.loading_settings()):
            self._seed(context)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
        self._report(context, password)

    @staticmethod
    def loading_settings():
        """Settings while the demo loads: work that would be redone many times, held back.

        * Approving the demo would pre-render every one-pager's PDF into this process's
          cache, which dies with it; each PDF renders on its first download instead.
          Concord's own background work is parked, not run.
        * Wagtail's own queue (search index and reference index updates) is batched
          over the whole load (``cms.indexing``): each object is saved several times on
          its way live, and is indexed once, as it ends up, at the end.
        * No query log (``DEBUG`` keeps every query of the load in memory otherwise).
        """
        return {
            "TASKS": {
                **settings.TASKS,
                "background": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
            },
            "DEBUG": False,
        }

    def _seed(self, context):
        with transaction.atomic(), indexing.batched():
            for module_name in DEMO_MODULES:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                module.seed(context)

    def _report(self, context, password):
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, user in context.users.items():
            groups = ", ".join(user.groups.values_list("name", flat=True)) or (
                "administrator" if user.is_superuser else "no group"
            )
            self.stdout.write(f"  {username:<12} {groups}")
        self.stdout.write(
            "Public site: http://127.0.0.1:8000/  ·  Admin: /admin/  ·  "
            "Rep library: /library/ (sign in at /accounts/login/)"
        )
