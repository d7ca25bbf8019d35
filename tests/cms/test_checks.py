"""The editor's checks panel: generic in cms, filled by the checkers apps register."""

import ast
from pathlib import Path

from django.urls import reverse

import pytest

from cms import checks
from tests.cms.factories import ApprovedMessageFactory

pytestmark = pytest.mark.django_db

CMS = Path(__file__).resolve().parents[2] / "cms"


def edit_page(client, user, message):
    client.force_login(user)
    response = client.get(reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_terminology_check_shows_its_findings_in_the_edit_form(client, admin_user, cardiology):
    from tests.reviews.factories import approved_term, make_reviewer

    approved_term(
        preferred="cardiac rehabilitation",
        variants=["cardiac rehab"],
        author=admin_user,
        approver=make_reviewer("term-approver"),
    )
    message = ApprovedMessageFactory(text="Ask about cardiac rehab.", service_lines=[cardiology])
    message.save_revision()
    html = edit_page(client, admin_user, message)
    assert 'data-terminology-findings="1"' in html
    assert "“cardiac rehab”" in html and "“cardiac rehabilitation”" in html


def test_a_checker_that_fails_is_reported_and_the_form_still_opens(
    client, admin_user, cardiology, monkeypatch
):
    def broken(instance):
        raise RuntimeError("checker bug")

    monkeypatch.setitem(
        checks._checkers,
        "broken",
        checks.Checker("broken", "Broken check", "glossary/panels/terminology_panel.html", broken),
    )
    message = ApprovedMessageFactory(text="Anything.", service_lines=[cardiology])
    html = edit_page(client, admin_user, message)
    assert "could not run" in html
    assert "Broken check" in html and "Terminology" in html  # two checks, two headings


def test_cms_imports_no_other_concord_app():
    """cms is the base: assets, glossary and reviews build on it, never the reverse.

    Not at module level and not inside a function either: where cms needs something
    from an app (an editor check, a section of the service-line page), the app
    registers it (``cms.checks``, ``cms.sections``). The project's wiring that lives in
    cms (the root URLconf and the settings) names every app by design, and is left out."""
    wiring = {CMS / "urls.py"}
    offenders = []
    for path in CMS.rglob("*.py"):
        if "migrations" in path.parts or "settings" in path.parts or path in wiring:
            continue
        for node in ast.walk(ast.parse(path.read_text())):  # every import, wherever it is
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in {"assets", "glossary", "reviews"}:
                    offenders.append(f"{path.relative_to(CMS.parent)}:{node.lineno}: {name}")
    assert offenders == []
