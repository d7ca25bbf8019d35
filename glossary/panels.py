"""The editor-facing terminology findings, shown by ``cms.checks.ContentChecksPanel``.

``GlossaryConfig.ready`` registers :func:`terminology_context` as the "Terminology"
check. It shows the findings of the version being edited (the latest draft, as
Wagtail's edit views load it) using the same check as the workflow's terminology gate,
so what the editor sees is exactly what blocks approval.
"""

from cms.checks import register_checker
from glossary.checking import check_object
from glossary.live import location
from glossary.matching import get_matcher

TEMPLATE = "glossary/panels/terminology_panel.html"


def terminology_context(instance):
    matcher = get_matcher()  # once: each call reads the content version
    findings = check_object(instance, matcher=matcher)
    return {
        "has_terms": not matcher.is_empty,
        "findings": findings,
        # Where, in words ("Body › Paragraph 2, line 3"), as the live check says it.
        "located": [
            {"finding": finding, "location": location(finding.path, instance, finding.line)}
            for finding in findings
        ],
    }


def register():
    register_checker(
        name="terminology",
        heading="Terminology",
        template_name=TEMPLATE,
        get_context=terminology_context,
        help_text="Checked against the approved glossary.",
    )
