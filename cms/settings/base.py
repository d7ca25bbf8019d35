"""Settings shared by every environment.

Nearly everything lives here; the differences between environments come from
environment variables (see docs/runbook.md for the full list).
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

from cms.storage_settings import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "cms"


def env_list(name, default=""):
    """A comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "assets",
    "glossary",
    "reviews",
    "shares",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",  # sign-in throttling (cms/logins.py, docs/security.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Each request one batch of search/reference index updates (cms/indexing.py).
    "cms.indexing.BatchedIndexingMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 400, not 500, for NUL bytes and form data no browser sends (cms/middleware.py).
    "cms.middleware.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.publication.ViewerMiddleware",  # request.viewer: who is looking (cms/publication.py)
    # Approval signatures count towards the sign-in lockout (reviews/signatures.py).
    "reviews.signatures.SigningMiddleware",
    # Reviewers of an item in review open Wagtail's preview, compare and history
    # (reviews/reviewer_access.py).
    "reviews.reviewer_access.ReviewerAccessMiddleware",
    # Server-Timing (cached or built) only with DEBUG or for staff (cms/middleware.py).
    "cms.middleware.ServerTimingMiddleware",
    "assets.pdf.fast.CachedPdfMiddleware",  # cached item PDFs: docs/pdfs.md
    "django.contrib.messages.middleware.MessageMiddleware",
    # Reps who open /admin/ land in their library (assets/middleware.py).
    "assets.middleware.LibraryUsersToTheLibrary",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.concord",
            ],
        },
    },
]

# Database: SQLite file by default, anything dj-database-url understands otherwise
# (postgres://postgres@127.0.0.1:5432/concord in production and CI).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people at once on SQLite (make run, a demo): a transaction takes the write
    # lock when it begins, so writers wait their turn (up to 20 s) instead of failing
    # with "database is locked" when two reading transactions both start to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cms.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username + address before any password is
# checked, for every login form (site, admin, Wagtail's /_util/login/).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/library/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

# Documents, images and renditions: files under MEDIA_ROOT, or a private S3-compatible
# bucket with MEDIA_STORAGE=s3 and MEDIA_BUCKET (cms/storage_settings.py lists the
# variables; docs/deployment.md "Media"). Either way files are only reached through
# Concord's views, which check the collection's privacy first.
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Cache: Redis when REDIS_URL is set (shared by every worker), local memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "concord",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "concord",
        }
    }

# Search: the database backend (SQLite FTS5 / PostgreSQL full text) by default;
# OpenSearch or Elasticsearch when SEARCH_URL is set (client library installed separately).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if os.environ.get("SEARCH_URL"):
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": os.environ.get("SEARCH_BACKEND", "wagtail.search.backends.elasticsearch8"),
        "URLS": [os.environ["SEARCH_URL"]],
        "INDEX": os.environ.get("SEARCH_INDEX", "concord"),
        "TIMEOUT": 5,
    }

# Background work. "default" is what Wagtail uses (search index and reference index
# updates): run in the process, once per object at the end of each request or review
# step (cms/indexing.py), so search sees a change without a worker. "background"
# is Concord's own slow work (PDF pre-rendering): TASKS_BACKEND "immediate" runs it in
# the request that queued it (development, tests), "database" queues it for
# `manage.py db_worker` (production's default: docs/deployment.md).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {"BACKEND": "cms.indexing.BatchingBackend"},
    "background": {"BACKEND": TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]},
}

# E-mail (review notifications, reminders, password resets): Django's EMAIL_* settings
# from the environment. The console by default here; production defaults to SMTP.
# Links in messages are built from WAGTAILADMIN_BASE_URL, never from a request's host.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # seconds; never hang a worker
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "Set EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (port 465), not both."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "concord@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # error mail to ADMINS

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},  # failures and lockouts; not every start-up
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Concord"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# No Gravatar: it sends staff e-mail hashes to a third party, and its images are
# broken without outbound network. Wagtail shows its default avatar (or an uploaded one).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True
# One password-reset flow for everyone: Concord's (cms/passwords.py), linked from both
# sign-in pages; Wagtail's own reset pages are off.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Also checks that a file's first bytes match its extension (cms/security.py), and
# refuses to replace or move a file approved content uses (cms/file_forms.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.file_forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.file_forms.ImageForm"
# Never "direct": documents of restricted collections must go through Wagtail's checks.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Media: /media/ answers image files only, after their collection's privacy check
# (cms/media.py, in every environment); documents only come from /documents/. After the
# check the bytes are sent by Django, or handed to the proxy: MEDIA_OFFLOAD
# "x-accel-redirect" (nginx, internal location MEDIA_ACCEL_PREFIX), "x-sendfile"
# (Apache), "redirect" (object storage's signed URLs). See docs/deployment.md "Media".
SENDFILE_BACKEND = "cms.media"  # Wagtail's document downloads are offloaded the same way
CONCORD_MEDIA_OFFLOAD = os.environ.get("MEDIA_OFFLOAD", "")
CONCORD_MEDIA_ACCEL_PREFIX = os.environ.get("MEDIA_ACCEL_PREFIX", "/_protected_media/")
CONCORD_MEDIA_MAX_AGE = int(os.environ.get("MEDIA_MAX_AGE", "3600"))
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Concord
CONCORD_DEMO_PASSWORD = "concord-demo"  # noqa: S105 - documented demo password

# Reviews (see docs/reviews.md). The finish action is read when wagtail.models is
# imported, so it can't be changed per test with override_settings.
WAGTAIL_FINISH_WORKFLOW_ACTION = "reviews.finish.publish_approved_revision"
# Approval periods in months by kind code ("MSG", "OP", ...); a review route's own
# period wins, then this, then the content type's default_review_months.
CONCORD_REVIEW_MONTHS = {}
# A review is due this many business days after it reaches the reviewer.
CONCORD_REVIEW_SLA_BUSINESS_DAYS = int(os.environ.get("CONCORD_REVIEW_SLA_BUSINESS_DAYS", "5"))
# The "expiring soon" report looks this many days ahead.
CONCORD_EXPIRING_SOON_DAYS = 30
# Who approves internal-only material when the default workflows are first created
# (e.g. "Sales ops"); empty means the compliance reviewers. Editable later in the admin.
CONCORD_INTERNAL_REVIEW_GROUP = os.environ.get("CONCORD_INTERNAL_REVIEW_GROUP", "")

# The rep library keeps rendered result pages this many seconds (0: not at all); keys
# move on with every change reps could see, so this only bounds memory use.
CONCORD_LIBRARY_CACHE_SECONDS = int(os.environ.get("CONCORD_LIBRARY_CACHE_SECONDS", "3600"))

# Sign-in throttling: django-axes (docs/security.md "Sign-in throttling"). Counts
# failed sign-ins per normalised username + client address in the database (no
# Redis needed, survives restarts, shared by every worker); the AXES_FAILURE_LIMIT-th
# failure within the cool-off locks that pair out until AXES_COOLOFF_TIME has passed
# since it. A successful sign-in clears the count.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "cms.logins.lockout_username"
AXES_LOCKOUT_CALLABLE = "cms.logins.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out don't push the end of the lockout further away: the page
# can say how long to wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins aren't logged by axes
# The client's address. Behind proxies that append to X-Forwarded-For, set
# TRUSTED_PROXY_COUNT to how many there are (usually 1): the address that many entries
# from the right of X-Forwarded-For is the client's; entries further left are the
# client's own and are ignored. 0 (the default) uses REMOTE_ADDR only.
# (python-ipware counts the proxies *listed* in the header, one fewer than in front.)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    IPWARE_STRICT = False  # more entries than proxies: the extra ones are the client's
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
