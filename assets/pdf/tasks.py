"""Pre-rendering PDFs in the background (django-tasks; immediate unless ``TASKS`` says otherwise).

``prerender_item_pdf`` renders a library item's PDF into the PDF cache right after it
is published and stamped, so the first rep to download it doesn't wait. It is queued
by ``assets.pdf.receivers`` after the transaction commits.

django-tasks (0.12) has no retries of its own, so the task retries itself: up to
``CONCORD_PDF_PRERENDER_ATTEMPTS`` attempts (3), ``CONCORD_PDF_PRERENDER_RETRY_DELAY``
seconds apart (2, doubling), each attempt being ``get_or_render`` with its own retry
of a crashed render. A timeout is not retried (the same document takes as long
again). When the last attempt fails it logs an error with the traceback and raises,
so the task result says FAILED; the PDF is then rendered on the first download. With
the immediate backend the task runs in the publishing request, so the attempts are
kept few and short.
"""

import logging
import time

from django.conf import settings

from django_tasks import task

from assets.models import LibraryItemPage
from assets.pdf import render
from assets.pdf.documents import ItemDocument
from assets.selectors import item_is_visible
from cms.publication import Viewer

logger = logging.getLogger(__name__)

# The kinds reps pull right before a call; other kinds render on first download.
PRERENDER_KINDS = ("one-pager", "talk-track")
DEFAULT_ATTEMPTS = 3
DEFAULT_RETRY_DELAY = 2  # seconds before the second attempt; doubles after each


def prerender_attempts():
    return max(1, int(getattr(settings, "CONCORD_PDF_PRERENDER_ATTEMPTS", DEFAULT_ATTEMPTS)))


def prerender_retry_delay():
    return float(getattr(settings, "CONCORD_PDF_PRERENDER_RETRY_DELAY", DEFAULT_RETRY_DELAY))


@task(backend="background")
def prerender_item_pdf(page_id):
    """Render and cache the PDF of library item ``page_id`` as reps will get it.

    Returns what happened (``rendered``, ``cached``, ``not visible`` …) for the task
    result; does nothing for items reps can't see (drafts, unstamped, expired).
    """
    page = LibraryItemPage.objects.filter(pk=page_id).first()
    if page is None:
        return "missing"
    page = page.specific
    if page.kind not in PRERENDER_KINDS:
        return "not pre-rendered"
    rep = Viewer.sales_rep()
    if not item_is_visible(page, rep):
        return "not visible"
    document = ItemDocument(page, user=rep)
    key = document.key()
    if render.cached_pdf(key) is not None:
        return "cached"
    name = f"{document.filename()} (page {page_id})"
    attempts, delay = prerender_attempts(), prerender_retry_delay()
    for attempt in range(1, attempts + 1):
        try:
            render.get_or_render(
                key=key,
                build_html=document.html,
                dependencies=document.dependencies(),
                name=name,
            )
        except render.PdfError as error:
            if attempt == attempts or isinstance(error, render.PdfRenderTimeout):
                logger.error(
                    "Pre-rendering the PDF of %s failed at attempt %d of %d; it will be "
                    "rendered on the first download",
                    name,
                    attempt,
                    attempts,
                    exc_info=True,
                )
                raise
            logger.warning(
                "Pre-rendering the PDF of %s failed (attempt %d of %d), trying again in %g s: %s",
                name,
                attempt,
                attempts,
                delay,
                error,
            )
            time.sleep(delay)
            delay *= 2
        else:
            break
    logger.debug("Pre-rendered the PDF of %s (%s)", page.title, document.filename())
    return "rendered"
