"""Markup inside copy: HTML line breaks and inline elements, Markdown syntax."""

import pytest

from glossary.checking import check_document, check_object
from glossary.extract import extract_text, markdown_to_text
from glossary.terminology import Matcher, Term

MATCHER = Matcher([Term("rehab", "Cardiac Rehabilitation Program", ("cardiac rehab", "rehab"))])


def found_in_html(source):
    return [
        (finding.found, source[finding.start : finding.end])
        for finding in check_document(source, matcher=MATCHER, html=True)
    ]


def found_in_markdown(source):
    findings = check_document(source, matcher=MATCHER, markdown=True)
    for finding in findings:
        assert source[finding.start : finding.end] == finding.found
    return [finding.found for finding in findings]


# HTML


@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", " <br>\n"])
def test_a_line_break_element_inside_a_phrase_does_not_end_it(br):
    source = f"<p>Join cardiac{br}rehab today.</p>"
    [(found, in_source)] = found_in_html(source)
    assert " ".join(found.split()) == "cardiac rehab"
    assert in_source == f"cardiac{br}rehab"


@pytest.mark.parametrize(
    "inline",
    [
        "<p>Join cardiac <strong>rehab</strong>.</p>",
        "<p>Join <em>cardiac</em> rehab.</p>",
        '<p>Join <a href="/x">cardiac</a> <span class="y">rehab</span>.</p>',
        "<p>Join car<i>diac</i> rehab.</p>",
    ],
)
def test_inline_markup_inside_a_phrase_or_a_word_does_not_break_it(inline):
    [(found, _)] = found_in_html(inline)
    assert found == "cardiac rehab"


def test_block_elements_still_end_a_phrase():
    assert [found for found, _ in found_in_html("<p>cardiac</p><p>prehab</p>")] == []
    assert [found for found, _ in found_in_html("<h2>Cardiac</h2><p>Rehab</p>")] == ["Rehab"]


def test_a_line_break_in_stored_rich_text(home_page):
    """Wagtail stores Shift+Enter as ``<br/>``: the phrase is still found in the field."""
    home_page.body = '<p data-block-key="a">Ask about cardiac<br/>rehab.</p>'
    assert dict(extract_text(home_page))["body"] == "Ask about cardiac rehab."
    [finding] = check_object(home_page, matcher=MATCHER)
    assert (finding.path, finding.found, finding.line) == ("body", "cardiac rehab", 1)


# Markdown


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Join _cardiac rehab_ now.", ["cardiac rehab"]),
        ("Join __cardiac rehab__ now.", ["cardiac rehab"]),
        ("Join *cardiac* rehab now.", ["cardiac* rehab"]),
        ("Join **cardiac rehab** now.", ["cardiac rehab"]),
        ("Join ~~cardiac rehab~~ now.", ["cardiac rehab"]),
        ("Join car**diac** rehab now.", ["car**diac** rehab"]),
        ("Join `cardiac rehab` now.", ["cardiac rehab"]),
        ("See [cardiac rehab](/services/cardiac-rehab).", ["cardiac rehab"]),
        ('See [our program](/services/cardiac-rehab "Cardiac rehab").', []),
        ("See [our program][cardiac-rehab].\n\n[cardiac-rehab]: /services/cardiac-rehab", []),
        ("![cardiac rehab](/img/cardiac-rehab.png)", ["cardiac rehab"]),
        ("<https://example.org/cardiac-rehab>", []),
        ("- cardiac rehab\n* rehab", ["cardiac rehab", "rehab"]),
        ("rehab_2 and my_rehab_plan", []),
    ],
)
def test_markdown_text_is_checked_and_link_targets_never(source, expected):
    assert found_in_markdown(source) == expected


def test_markdown_keeps_every_offset():
    source = "# Title\n\n_x_ [a](/b) **c** `d`\n\n[r]: /s\n"
    text = markdown_to_text(source)
    assert len(text) == len(source)
    assert [i for i, c in enumerate(source) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]


def test_markdown_paragraphs_still_end_a_phrase():
    assert found_in_markdown("Join cardiac\n\n_rehab_ now") == ["rehab"]


def test_a_markdown_file_without_markdown_reading_flags_the_link_target():
    """What ``markdown=True`` changes: read as plain text the target is a finding."""
    source = "See [our program](/services/cardiac-rehab)."
    assert [f.found for f in check_document(source, matcher=MATCHER)] == ["cardiac-rehab"]
    assert found_in_markdown(source) == []
