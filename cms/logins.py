"""Sign-in throttling with django-axes: the two pieces Concord configures.

django-axes (settings in ``cms/settings/base.py``, docs/security.md) counts failed
sign-ins through the authentication backend, so every form that calls
``authenticate()`` is covered — ``/accounts/login/``, ``/admin/login/``, Wagtail's
``/_util/login/`` and any future one — and keeps the counts in the database.

* :func:`lockout_username` (``AXES_USERNAME_CALLABLE``) is the username a count is
  kept under: NFKC-normalised and case-folded, so ``REP``, ``ｒｅｐ`` (fullwidth) and
  `` rep `` are the same account for counting *and* for the lockout check.
* :func:`lockout_response` (``AXES_LOCKOUT_CALLABLE``) is the page a locked-out
  sign-in gets: 429, how long to wait, who can unlock it, ``Retry-After``.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.shortcuts import render

# Django's usernames are at most 150 characters; axes stores at most 255.
USERNAME_MAX_LENGTH = 150


def normalise_username(username):
    """The form a username's failures are counted under (also what operators pass to
    ``manage.py axes_reset_username``)."""
    text = unicodedata.normalize("NFKC", str(username or ""))
    text = "".join(char for char in text if unicodedata.category(char) not in {"Cc", "Cf"})
    text = " ".join(text.split()).casefold()
    if len(text) > USERNAME_MAX_LENGTH:
        # No account has such a name; keep distinct guesses distinct, within the column.
        text = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return text


def lockout_username(request, credentials):
    """``AXES_USERNAME_CALLABLE``: the normalised username of this sign-in attempt."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        username = credentials.get(field) or credentials.get("username")
    else:
        data = getattr(request, "POST", None) or {}
        username = data.get(field) or data.get("username")
    return normalise_username(username) if username else None


def cool_off_seconds():
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: a Concord page, not axes' plain-text default."""
    seconds = cool_off_seconds()
    response = render(
        request,
        "429.html",
        {"minutes": max(seconds // 60, 1), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
