"""Sections of the public service-line page: generic in cms, filled by the apps that register."""

import pytest

from cms import sections
from cms.models import ServiceLinePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(home_page, cardiology):
    page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=cardiology,
        intro="One nurse navigator from referral to first visit.",
        live=False,
    )
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def no_sections(monkeypatch):
    """As if no app had registered a section (the glossary app absent)."""
    monkeypatch.setattr(sections, "_sections", {})


def rendered(page):
    response = page.make_preview_request()
    assert response.status_code == 200
    return response.content.decode()


def test_without_registered_sections_the_page_has_none(page, no_sections):
    assert sections.render_sections(page) == []
    html = rendered(page)
    assert "One nurse navigator" in html
    assert "Words we use" not in html


def test_a_registered_section_is_rendered_under_the_body(page, no_sections, settings, tmp_path):
    (tmp_path / "test_section.html").write_text(
        '<aside class="t">{{ note }}: {{ page.title }}</aside>'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    sections.register_section(
        name="test", template_name="test_section.html", get_context=lambda p: {"note": "Hello"}
    )
    html = rendered(page)
    assert '<aside class="t">Hello: Heart care</aside>' in html
    assert html.index("One nurse navigator") < html.index('<aside class="t">')
