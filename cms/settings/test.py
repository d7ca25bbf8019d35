"""Fast, deterministic settings for the test suite."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "concord-test",
    }
}
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {  # both immediate, whatever TASKS_BACKEND says
    "default": {"BACKEND": "cms.indexing.BatchingBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# A file-based test database so pytest --reuse-db keeps it between runs (a fresh
# SQLite migrate takes ~20 s). PostgreSQL uses test_<name> as usual. Two suites
# running at once need different CONCORD_TEST_DB names.
_test_db = os.environ.get("CONCORD_TEST_DB", "test-db")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"{_test_db}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_concord_{_test_db}".replace("-", "_")}  # noqa: F405
