"""Checking content: only approved terms, scoping, findings, paragraphs and documents."""

import datetime

from django.utils import timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.checking import check_document, check_object, find_in_text
from glossary.terminology import Matcher, Term
from tests.glossary.factories import GlossaryTermFactory, MessageFactory
from tests.reviews.factories import approve_now


def findings_in(message):
    return [(finding.found, finding.preferred) for finding in check_object(message)]


# Only approved terms are enforced


def test_an_approved_term_is_enforced(cardiology, rehab_term):
    message = MessageFactory(text="Start cardiac rehab this week.", service_lines=[cardiology])
    assert findings_in(message) == [("cardiac rehab", "Cardiac Rehabilitation Program")]


def test_a_draft_term_is_not_enforced(cardiology):
    GlossaryTermFactory(
        service_line=cardiology, preferred="Heart Failure Clinic", variants="CHF clinic"
    )
    message = MessageFactory(text="Ask the CHF clinic.", service_lines=[cardiology])
    assert check_object(message) == []


def test_a_term_published_without_approval_is_not_enforced(cardiology):
    term = GlossaryTermFactory(
        service_line=cardiology, preferred="Heart Failure Clinic", variants="CHF clinic"
    )
    term.save_revision().publish()
    message = MessageFactory(text="Ask the CHF clinic.", service_lines=[cardiology])
    assert check_object(message) == []


def test_a_term_past_its_review_by_date_is_not_enforced(cardiology):
    GlossaryTermFactory(
        service_line=cardiology,
        preferred="Heart Failure Clinic",
        variants="CHF clinic",
        approved=True,
        approved__review_by=timezone.localdate() - datetime.timedelta(days=1),
    )
    message = MessageFactory(text="Ask the CHF clinic.", service_lines=[cardiology])
    assert check_object(message) == []


def test_an_unapproved_draft_of_a_live_term_keeps_the_approved_version(cardiology, rehab_term):
    draft = rehab_term.get_latest_revision_as_object()
    draft.variants = "heart rehab"
    draft.save_revision()
    message = MessageFactory(text="Start cardiac rehab this week.", service_lines=[cardiology])
    assert findings_in(message) == [("cardiac rehab", "Cardiac Rehabilitation Program")]


# Scoping


def test_service_line_terms_apply_only_to_their_service_line(cardiology, orthopedics, rehab_term):
    ortho = MessageFactory(
        text="Unlike cardiac rehab, this is for knees.", service_lines=[orthopedics]
    )
    assert check_object(ortho) == []


def test_global_terms_apply_to_every_service_line(cardiology, orthopedics, prior_auth_term):
    for line in (cardiology, orthopedics):
        message = MessageFactory(text="We handle the prior auth for you.", service_lines=[line])
        assert findings_in(message) == [("prior auth", "prior authorization")]


def test_content_of_several_service_lines_gets_all_their_terms(cardiology, orthopedics, rehab_term):
    GlossaryTermFactory(
        service_line=orthopedics,
        preferred="Joint Replacement Program",
        variants="joint camp",
        approved=True,
    )
    message = MessageFactory(
        text="From joint camp to heart rehab.", service_lines=[cardiology, orthopedics]
    )
    assert [found for found, _ in findings_in(message)] == ["joint camp", "heart rehab"]


# Findings


def test_a_finding_says_where_what_and_what_to_write(cardiology, rehab_term):
    message = MessageFactory(
        title="Rehab access",
        text="First line.\nPatients start cardiac rehab early.",
        service_lines=[cardiology],
    )
    (finding,) = check_object(message)
    assert (finding.path, finding.line, finding.column) == ("text", 2, 16)
    assert finding.term_key == rehab_term.pk
    assert finding.variant == "cardiac rehab"
    assert "start cardiac rehab early" in finding.context
    assert finding.message() == (
        'text, line 2, col 16: "cardiac rehab" → use "Cardiac Rehabilitation Program"'
    )


def test_the_check_reads_the_revision_it_is_given(cardiology, rehab_term):
    message = MessageFactory(text="Clean wording.", service_lines=[cardiology], approved=True)
    draft = message.get_latest_revision_as_object()
    draft.text = "Now with heart rehab."
    revision = draft.save_revision()
    live = type(message).objects.get(pk=message.pk)
    assert check_object(live) == []
    assert [f.found for f in check_object(revision.as_object())] == ["heart rehab"]


def test_a_glossary_term_is_checked_without_its_variants_and_notes(
    cardiology, rehab_term, prior_auth_term
):
    term = GlossaryTermFactory(
        service_line=cardiology,
        preferred="nurse navigator call",
        variants="intake call",
        definition="The call made before the prior auth is requested, not an intake call.",
        notes="Used to be called the intake call or cardiac rehab call.",
    )
    approve_now(term)  # now its own variants are enforced, but not on the term itself
    assert [(f.path, f.found) for f in check_object(term)] == [("definition", "prior auth")]


# Paragraphs and documents


TERMS = [Term(key=1, preferred="Heart Failure Clinic", variants=("heart failure center",))]


def test_a_variant_matches_across_a_line_break_but_not_across_paragraphs():
    matcher = Matcher(TERMS)
    assert [f.found for f in find_in_text("the heart failure\ncenter", matcher=matcher)] == [
        "heart failure\ncenter"
    ]
    assert find_in_text("the heart failure\n\ncenter", matcher=matcher) == []
    assert find_in_text("the heart failure\ncenter", matcher=matcher, blocks=True) == []


def test_a_longer_variant_across_a_break_does_not_hide_a_shorter_one_before_it():
    terms = [
        Term(key=1, preferred="Heart Failure Clinic", variants=("heart failure center",)),
        Term(key=2, preferred="HF", variants=("heart failure",)),
    ]
    findings = find_in_text("About heart failure\n\ncenter hours.", matcher=Matcher(terms))
    assert [(f.found, f.term_key, f.line) for f in findings] == [("heart failure", 2, 1)]
    findings = find_in_text("<heading>heart failure\ncenter", matcher=Matcher(terms), blocks=True)
    assert [f.found for f in findings] == ["heart failure"]


def test_positions_after_a_paragraph_break_refer_to_the_whole_text():
    text = "Intro.\n\nVisit the heart failure center."
    (finding,) = find_in_text(text, matcher=Matcher(TERMS))
    assert text[finding.start : finding.end] == "heart failure center"
    assert (finding.line, finding.column) == (3, 11)


def test_html_documents_report_positions_in_the_file():
    html = (
        "<html><head><style>p { color: red }</style></head>\n"
        "<body>\n"
        "  <h1>Our clinic</h1>\n"
        "  <p>Ask about the <b>heart&nbsp;failure</b> center &amp; more.</p>\n"
        "</body></html>"
    )
    (finding,) = check_document(html, matcher=Matcher(TERMS), html=True)
    assert (finding.line, finding.column) == (4, 23)
    assert html[finding.start : finding.end] == "heart&nbsp;failure</b> center"
    assert finding.found == "heart\xa0failure center"


def test_html_blocks_are_never_joined_into_one_phrase():
    html = "<h2>Heart failure</h2><p>Center hours are 8 to 5.</p>"
    assert check_document(html, matcher=Matcher(TERMS), html=True) == []


def test_urls_in_documents_are_not_copy():
    text = "See https://example.org/heart-failure-center for the heart failure center."
    findings = check_document(text, matcher=Matcher(TERMS))
    assert [(f.found, f.column) for f in findings] == [("heart failure center", 54)]


@pytest.mark.parametrize("case_sensitive", [True, False])
def test_case_sensitive_terms(case_sensitive, cardiology):
    GlossaryTermFactory(
        service_line=cardiology,
        preferred="TAVR",
        kind="acronym",
        variants="TAVI",
        case_sensitive=case_sensitive,
        approved=True,
    )
    message = MessageFactory(text="TAVI, or tavi in notes.", service_lines=[cardiology])
    expected = ["TAVI"] if case_sensitive else ["TAVI", "tavi"]
    assert [f.found for f in check_object(message)] == expected


def test_approving_a_message_stamps_nothing_here(cardiology, rehab_term):
    # The helper used throughout these tests stamps like the workflow would.
    message = MessageFactory(service_lines=[cardiology])
    approve_now(message)
    assert message.live and message.approval_code.startswith("CARD-MSG-")


CHUNK_TERMS = [
    Term(key=1, preferred="Heart Failure Clinic", variants=("heart failure center",)),
    Term(key=2, preferred="HF", variants=("heart failure",)),
    Term(key=3, preferred="Cardiac Rehabilitation Program", variants=("rehab", "cardiac rehab")),
]
CHUNK_PIECES = [
    "heart",
    "failure",
    "center",
    "cardiac",
    "rehab",
    "prehab",
    " ",
    "\n",
    "\n\n",
    "-",
    ".",
]


@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(CHUNK_PIECES), max_size=12).map("".join), st.booleans()),
        max_size=5,
    )
)
@settings(max_examples=300, deadline=None)
def test_one_pass_over_all_chunks_equals_checking_each_chunk(parts):
    from glossary.checking import _check_chunks_one_by_one, check_chunks
    from glossary.extract import Chunk

    chunks = [Chunk(f"field{i}", text, html) for i, (text, html) in enumerate(parts) if text]
    matcher = Matcher(CHUNK_TERMS)
    fast = check_chunks(chunks, matcher=matcher, service_lines=())
    slow = _check_chunks_one_by_one(chunks, matcher=matcher, service_lines=())
    assert fast == slow
