"""Sections other apps add to a public service-line page: one registry, apps fill it.

``cms`` is the base every app builds on, so ``ServiceLinePage`` knows no app by name
(as ``cms.checks`` does for the editor's checks). An app adds its section in its
``AppConfig.ready``::

    register_section(
        name="glossary",
        template_name="glossary/service_line_section.html",
        get_context=glossary_section_context,   # (page) -> dict
    )

and every service-line page renders the registered sections under its body, in
registration order. Without the app, the page has no such section.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Section:
    name: str
    template_name: str
    get_context: Callable


_sections: dict[str, Section] = {}


def register_section(*, name, template_name, get_context):
    """Add (or replace) the section called ``name``."""
    _sections[name] = Section(name, template_name, get_context)


def sections():
    return list(_sections.values())


def render_sections(page, request=None):
    """The HTML of each registered section for ``page``, in registration order."""
    return [
        mark_safe(  # noqa: S308 - our templates, rendered with autoescaping
            render_to_string(
                section.template_name, {**section.get_context(page), "page": page}, request
            )
        )
        for section in sections()
    ]
