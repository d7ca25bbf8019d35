"""What the in-process benchmarks share: Django with the test settings, a test database
of their own kept between runs (only the first run migrates), and a transaction rolled
back at the end so nothing they create stays."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Rollback(Exception):
    pass


def run_rolled_back(database, work):
    """Call ``work()`` inside a transaction on the test database ``database`` (the
    ``CONCORD_TEST_DB`` name unless one is set), then roll everything back."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ.setdefault("CONCORD_TEST_DB", database)
    import django

    django.setup()
    from django.db import transaction
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    (ROOT / "var").mkdir(exist_ok=True)
    databases = setup_databases(verbosity=0, interactive=False, keepdb=True)
    try:
        with transaction.atomic():
            work()
            raise _Rollback
    except _Rollback:
        pass
    finally:
        teardown_databases(databases, verbosity=0, keepdb=True)
