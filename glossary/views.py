"""The rep glossary page, ``/library/glossary/<service-line>/``.

Routed from ``assets.LibraryIndexPage``, which checks the library role first and
marks the response private.
"""

from django.template.response import TemplateResponse

from cms.models import ServiceLine
from glossary.selectors import service_line_glossary as glossary_of
from glossary.selectors import service_lines_with_glossary


def service_line_glossary(request, library_page, slug):
    """A service line's approved glossary; a friendly 404 for an unknown service line."""
    service_lines = list(service_lines_with_glossary())
    context = {
        "page": library_page,
        "self": library_page,
        "library": library_page,
        "glossary_service_lines": service_lines,
    }
    service_line = ServiceLine.objects.filter(slug=slug).first()
    if service_line is None:
        return TemplateResponse(
            request, "library/glossary_not_found.html", {**context, "slug": slug}, status=404
        )
    context.update(service_line=service_line, glossary=glossary_of(service_line))
    return TemplateResponse(request, "library/glossary.html", context)
