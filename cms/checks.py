"""Checks shown to editors in the edit form: one generic panel, checkers register.

``cms`` is the base every app builds on, so it knows no checker by name. An app adds
its check in its ``AppConfig.ready``::

    register_checker(
        name="terminology",
        heading="Terminology",
        template_name="glossary/panels/terminology_panel.html",
        get_context=terminology_context,   # (instance) -> dict
    )

and every model whose panels include ``ContentChecksPanel()`` shows it, for the version
being edited. A checker that raises is shown as "could not run" and never stops
anyone from editing (the review workflow checks again before approval).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from wagtail.admin.panels import Panel

logger = logging.getLogger(__name__)


def _always(instance):
    return True


@dataclass(frozen=True)
class Checker:
    name: str
    heading: str
    template_name: str
    get_context: Callable
    help_text: str = ""
    # Whether the check means anything for an object (e.g. only content with images).
    applies_to: Callable = _always
    # ``(obj) -> [sentence]`` for the review gate (``gate_problems``), or ``None``.
    gate_problems: Callable | None = None


_checkers: dict[str, Checker] = {}


def register_checker(
    *,
    name,
    heading,
    template_name,
    get_context,
    help_text="",
    applies_to=_always,
    gate_problems=None,
):
    """Add (or replace) the checker called ``name``.

    ``applies_to(instance)`` leaves the check out of the panel for objects it means
    nothing to; ``gate_problems(obj)``, a list of sentences, is what the check offers
    the review gate (``gate_problems`` below).
    """
    _checkers[name] = Checker(
        name, heading, template_name, get_context, help_text, applies_to, gate_problems
    )


def checkers(instance=None):
    """The registered checkers; with ``instance``, those that apply to it."""
    if instance is None:
        return list(_checkers.values())
    return [checker for checker in _checkers.values() if checker.applies_to(instance)]


def gate_problems(obj):
    """The findings every registered check with a gate part has for ``obj``: sentences
    an author can act on, for the review gate to send back with its own."""
    problems = []
    for checker in checkers(obj):
        if checker.gate_problems is not None:
            problems.extend(checker.gate_problems(obj))
    return problems


def render_checks(instance):
    """Each applicable checker's section for ``instance``, in registration order."""
    sections = []
    for checker in checkers(instance):
        try:
            context = dict(checker.get_context(instance))
        except Exception:
            logger.exception("The %s check failed for %r", checker.name, instance)
            context = {"check_failed": True, "findings": []}
        context.update(checker=checker, instance=instance)
        sections.append(
            {"checker": checker, "html": render_to_string(checker.template_name, context)}
        )
    return sections


class ContentChecksPanel(Panel):
    """Read-only results of every registered check for the object in the edit form."""

    def __init__(self, heading="Checks", **kwargs):
        kwargs.setdefault(
            "help_text", "Checked when the page loads. Save a draft to check your latest changes."
        )
        super().__init__(heading=heading, **kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "checks"

    class BoundPanel(Panel.BoundPanel):
        template_name = "components/checks_panel.html"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            registered = checkers(self.instance)
            if len(registered) == 1:  # one check: the panel is called after it
                self.heading = registered[0].heading

        def is_shown(self):
            return bool(checkers(self.instance)) and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["sections"] = [
                {**section, "html": mark_safe(section["html"])}  # noqa: S308 - our templates
                for section in render_checks(self.instance)
            ]
            return context
