"""The editor-facing terminology findings: a read-only panel in the edit form.

Add ``TerminologyPanel()`` to a model's ``panels`` (snippets) or ``content_panels``
(pages). It shows the findings of the version being edited (the latest draft, as
Wagtail's edit views load it) using the same check as the workflow's terminology gate,
so what the editor sees here is exactly what blocks approval.

This module is imported by ``cms.models`` and the content apps' models, so it must not
import any models at import time.
"""

import logging

from wagtail.admin.panels import Panel

logger = logging.getLogger(__name__)


class TerminologyPanel(Panel):
    """Read-only list of glossary findings for the object in the edit form."""

    def __init__(self, heading="Terminology", **kwargs):
        kwargs.setdefault(
            "help_text",
            "Checked against the approved glossary when the page loads. "
            "Save a draft to check your latest changes.",
        )
        super().__init__(heading=heading, **kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "terminology"

    class BoundPanel(Panel.BoundPanel):
        template_name = "glossary/panels/terminology_panel.html"

        def get_context_data(self, parent_context=None):
            from glossary.services import check_object, get_matcher

            context = super().get_context_data(parent_context)
            context["has_terms"] = not get_matcher().is_empty
            try:
                context["findings"] = check_object(self.instance)
            except Exception:
                # A bug in the checker must not stop anyone from editing; the
                # workflow gate still runs the same check before approval.
                logger.exception("Terminology check failed for %r", self.instance)
                context["check_failed"] = True
                context["findings"] = []
            return context
