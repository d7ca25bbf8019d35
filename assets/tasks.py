"""Background work for the library (django-tasks; immediate unless ``TASKS`` says otherwise).

``prerender_item_pdf`` renders a library item's PDF into the PDF cache right after it
is published and stamped, so the first rep to download it doesn't wait. It is queued
by ``assets.pdf_signals`` after the transaction commits.
"""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)

# The kinds reps pull right before a call; other kinds render on first download.
PRERENDER_KINDS = ("one-pager", "talk-track")


@task()
def prerender_item_pdf(page_id):
    """Render and cache the PDF of library item ``page_id`` as reps will get it.

    Returns what happened (``rendered``, ``cached``, ``not visible`` …) for the task
    result; does nothing for items reps can't see (drafts, unstamped, expired).
    """
    from assets import pdf
    from assets.models import LibraryItemPage
    from assets.pdf_documents import ItemDocument
    from assets.selectors import item_is_visible

    page = LibraryItemPage.objects.filter(pk=page_id).first()
    if page is None:
        return "missing"
    page = page.specific
    if page.kind not in PRERENDER_KINDS:
        return "not pre-rendered"
    rep = rep_perspective()
    if not item_is_visible(page, rep):
        return "not visible"
    document = ItemDocument(page, user=rep)
    key = document.key()
    if pdf.cached_pdf(key) is not None:
        return "cached"
    pdf.get_or_render(key=key, build_html=document.html, dependencies=document.dependencies())
    logger.debug("Pre-rendered the PDF of %s (%s)", page.title, document.filename())
    return "rendered"


def rep_perspective():
    """A stand-in sales rep (never saved) to apply the library's visibility rules as."""
    from django.contrib.auth import get_user_model

    from cms import roles

    rep = get_user_model()(username="pdf-prerender")
    rep._concord_group_names = {roles.SALES_REPS}
    return rep
