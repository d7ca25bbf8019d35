"""Site-wide views: the health check and the server-error handler.

``server_error`` is ``handler500`` (``cms/urls.py``). Django calls it for any
exception that nothing else handled, wherever it was raised: in a view, in a template,
or in middleware (session and user loading happen lazily, on first use). When the
exception says the database can't be reached, the answer is the standalone
``503.html`` with ``Retry-After``, rendered without the database; anything else is
the usual ``500.html``. Django's ``django.request`` logger records the traceback
either way, and this module logs one line naming the database error. With
``DEBUG = True`` Django shows its debug page instead (handlers are not called).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# Seconds a client (or a proxy) should wait before trying again.
RETRY_AFTER = 60

# OperationalError: the server is down, refuses connections, the SQLite file can't be
# opened; InterfaceError: a connection that broke while in use.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@never_cache
def healthz(request):
    """Liveness and database reachability for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any database failure means "not ready"
        logger.warning("Health check: database unavailable (%s: %s)", type(error).__name__, error)
        response = JsonResponse({"status": "unavailable", "database": False}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": True})


def database_error(error):
    """The database error behind ``error`` (itself, or what caused it), or ``None``."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def server_error(request):
    """``handler500``: 503 when the database is unavailable, the plain 500 page otherwise.

    Runs inside Django's ``except`` block, so ``sys.exc_info()`` is the exception.
    """
    error = database_error(sys.exc_info()[1])
    if error is None:
        return defaults.server_error(request)
    logger.error(
        "Database unavailable: answered 503 to %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
    return service_unavailable()


def service_unavailable():
    """The standalone 503 page: no request context, so no context processor runs."""
    response = HttpResponse(
        loader.get_template("503.html").render(), status=503, content_type="text/html"
    )
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response
