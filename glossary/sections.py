"""The glossary's section of a public service-line page (``cms.sections``).

``GlossaryConfig.ready`` registers it: the service line's approved terms, with what to
say to patients, under the page's body.
"""

from cms.sections import register_section
from glossary.selectors import service_line_glossary

TEMPLATE = "glossary/service_line_section.html"


def service_line_section_context(page):
    return {"terms": list(service_line_glossary(page.service_line).terms)}


def register():
    register_section(
        name="glossary", template_name=TEMPLATE, get_context=service_line_section_context
    )
