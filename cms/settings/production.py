"""Production: everything secure by default; configuration from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL. See docs/deployment.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin iframe, so frames are
# allowed from this origin only; the check that asks for DENY is silenced for that.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# A content security policy (cms/middleware.py, docs/security.md). Sign-in throttling
# (django-axes) is in base.py: every environment has it. Behind a proxy, set
# TRUSTED_PROXY_COUNT so it sees the client's address.
MIDDLEWARE = [  # noqa: F405
    *MIDDLEWARE[:1],  # noqa: F405
    "cms.middleware.ContentSecurityPolicyMiddleware",
    *MIDDLEWARE[1:],  # noqa: F405
]

# E-mail goes out over SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS or EMAIL_USE_SSL: base.py); EMAIL_BACKEND can still name another.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# PDF pre-rendering runs in `manage.py db_worker`, not in the approving reviewer's
# request (docs/deployment.md). TASKS_BACKEND=immediate keeps it in-request.
TASKS["background"] = {  # noqa: F405
    "BACKEND": TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "database")]  # noqa: F405
}
