"""One text extraction for every content type: plain fields, rich text, StreamField."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.models import HomePage, ServiceLinePage
from glossary.extract import extract_text, html_to_text, mask_urls
from tests.glossary.factories import GlossaryTermFactory, MessageFactory


def test_plain_fields_of_an_approved_message(db):
    message = MessageFactory(
        title="Rehab access", text="Seen within five days.", source="Registry 2025"
    )
    # The title is the message's internal name: not copy.
    assert extract_text(message) == [
        ("text", "Seen within five days."),
        ("source", "Registry 2025"),
    ]


def test_an_objection_is_checked_on_its_response_not_the_buyers_words(db):
    from assets.models import Objection

    objection = Objection(
        verbatim="Our patients can't drive to heart rehab.",
        approved_response="Most patients can do the program at home.",
    )
    assert extract_text(objection) == [
        ("approved_response", "Most patients can do the program at home.")
    ]


def test_a_glossary_term_leaves_out_its_variants_and_notes(cardiology):
    term = GlossaryTermFactory(
        service_line=cardiology,
        preferred="TAVR",
        variants="TAVI",
        definition="Valve replacement.",
        plain_language="A new valve.",
        notes="Internal.",
    )
    assert extract_text(term) == [
        ("preferred", "TAVR"),
        ("definition", "Valve replacement."),
        ("plain_language", "A new valve."),
    ]


def test_identifiers_and_choices_are_not_copy(home_page):
    home_page.intro = "Welcome."
    chunks = dict(extract_text(home_page))
    assert set(chunks) == {"title", "intro"}
    assert "slug" not in chunks and "path" not in chunks and "url_path" not in chunks


def test_rich_text_has_one_line_per_block(home_page):
    home_page.body = (
        '<h2 data-block-key="a">Heart care</h2><p data-block-key="b">Ask about '
        '<a linktype="page" id="3">cardiac <b>rehab</b></a>&nbsp;today.</p>'
        "<ul><li>One</li><li>Two</li></ul>"
    )
    assert dict(extract_text(home_page))["body"] == (
        "Heart care\nAsk about cardiac rehab\xa0today.\nOne\nTwo"
    )


@pytest.fixture
def landing_page(home_page, cardiology):
    page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=cardiology,
        intro="Care close to home.",
        body=[
            ("heading", {"text": "Why patients choose us", "level": "h2"}),
            ("paragraph", "<p>First paragraph.</p><p>Second, with heart rehab.</p>"),
            (
                "callout",
                {
                    "tone": "info",
                    "heading": "Good to know",
                    "text": "<p>We call before the visit.</p>",
                },
            ),
            (
                "claim",
                {
                    "claim": "87% finish the program.",
                    "source": "Registry 2025",
                    "source_url": "https://example.org/heart-rehab",
                },
            ),
            (
                "table",
                {
                    "data": [["Plan", "Referral?"], ["PPO", "No"]],
                    "table_caption": "Referral rules",
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                },
            ),
        ],
    )
    home_page.add_child(instance=page)
    return page


def test_streamfield_blocks_have_paths(landing_page):
    chunks = extract_text(landing_page)
    assert chunks == [
        ("title", "Heart care"),
        ("intro", "Care close to home."),
        ("body[0].heading.text", "Why patients choose us"),
        ("body[1].paragraph", "First paragraph.\nSecond, with heart rehab."),
        ("body[2].callout.heading", "Good to know"),
        ("body[2].callout.text", "We call before the visit."),
        ("body[3].claim.claim", "87% finish the program."),
        ("body[3].claim.source", "Registry 2025"),
        ("body[4].table.caption", "Referral rules"),
        ("body[4].table[0][0]", "Plan"),
        ("body[4].table[0][1]", "Referral?"),
        ("body[4].table[1][0]", "PPO"),
        ("body[4].table[1][1]", "No"),
    ]


def test_a_stored_streamfield_reads_the_same(landing_page):
    stored = ServiceLinePage.objects.get(pk=landing_page.pk)
    assert extract_text(stored) == extract_text(landing_page)


def test_a_referenced_approved_message_is_not_copied_into_the_page(landing_page, cardiology):
    message = MessageFactory(text="Seen within five days.", service_lines=[cardiology])
    landing_page.body.append(("approved_message", message))
    paths = [path for path, _ in extract_text(landing_page)]
    assert not any("approved_message" in path for path in paths)


def test_the_stream_of_a_revision_is_read(landing_page):
    landing_page.body[1] = ("paragraph", "<p>Changed in the draft.</p>")
    revision = landing_page.save_revision()
    assert ("body[1].paragraph", "Changed in the draft.") in extract_text(revision.as_object())


def test_inline_children_are_read_with_their_index(db):
    from assets.models import EnablementAssetAttachment, EnablementAssetPage

    page = EnablementAssetPage(title="One-pager", summary="What it is.")
    page.attachments = [EnablementAssetAttachment(label="Referral form, cardiac rehab")]
    assert ("attachments[0].label", "Referral form, cardiac rehab") in extract_text(page)


def test_empty_fields_give_no_chunks(db):
    assert extract_text(HomePage(title="Home")) == [("title", "Home")]


# HTML and URLs


def test_html_to_text_maps_back_to_the_source():
    source = "<p>Tom &amp; Jerry</p>\n<p>  Heart\ncare</p>"
    mapped = html_to_text(source)
    assert mapped.text == "Tom & Jerry\nHeart care"
    heart = mapped.text.index("Heart")
    assert source[mapped.source_offset(heart) :].startswith("Heart")
    jerry = mapped.text.index("Jerry")
    assert source[mapped.source_offset(jerry) :].startswith("Jerry")


def test_script_style_and_comments_are_not_text():
    source = "<style>.a{}</style><!-- heart rehab --><script>var x = '<p>'</script><p>Care</p>"
    assert html_to_text(source).text == "Care"


def test_unclosed_and_broken_markup_does_not_fail():
    assert html_to_text("<p>Care <b>close to <i>home").text == "Care close to home"
    assert html_to_text("a < b and c > d").text == "a < b and c > d"


def test_urls_are_blanked_with_the_same_length():
    text = "Read https://example.org/heart-rehab, or www.example.org/x."
    masked = mask_urls(text)
    assert len(masked) == len(text)
    assert "heart" not in masked
    assert masked.endswith(", or                  .")


HTML_PIECES = [
    "<p>", "</p>", "<h2>", "</h2>", "<b>", "</b>", "<br>", "<li>", "&amp;", "&nbsp;", "&#233;",
    "&bogus;", "&", "<", ">", " ", "  ", "\n", "heart", "Rehab", "care", "x1", "<!-- c -->",
    "<script>var a = '<p>';</script>", '<a href="https://example.org/heart">', "</a>",
]  # fmt: skip


@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_every_letter_of_html_text_maps_back_to_the_same_letter(source):
    mapped = html_to_text(source)
    for offset, char in enumerate(mapped.text):
        if char.isalnum() and char != "é":  # é comes from &#233;
            assert source[mapped.source_offset(offset)] == char
    assert "\n\n" not in mapped.text
    assert mapped.text == mapped.text.strip("\n")
