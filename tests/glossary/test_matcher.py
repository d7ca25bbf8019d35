"""Tests for the pure-Python terminology matcher (no database)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.terminology import (
    INVISIBLE,
    Finding,
    Matcher,
    Term,
    fold_case,
    line_col,
    naive_find,
)


def found(terms: list[Term], text: str, service_lines=None) -> list[str]:
    """The matched texts, after checking both implementations agree."""
    findings = Matcher(terms).find(text, service_lines)
    assert findings == naive_find(terms, text, service_lines)
    return [finding.found for finding in findings]


def term(*variants: str, key: str = "t", **kwargs) -> Term:
    return Term(key=key, preferred=f"preferred {key}", variants=variants, **kwargs)


REHAB = term("rehab", key="rehab")


# Whole words


@pytest.mark.parametrize(
    "text",
    ["prehab", "rehabilitation", "rehabber", "rehab_2", "2rehab", "cardiorehab", "réhab"],
)
def test_variant_inside_a_longer_word_never_matches(text):
    assert found([REHAB], f"Our {text} programme") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rehab.", "rehab"),
        ("(rehab)", "rehab"),
        ("rehab's team", "rehab"),
        ('"rehab"', "rehab"),
        ("rehab/physio", "rehab"),
        ("rehab—today", "rehab"),
    ],
)
def test_punctuation_in_the_text_ends_a_word(text, expected):
    assert found([REHAB], text) == [expected]


def test_match_at_the_very_start_and_end_of_the_text():
    assert found([REHAB], "rehab") == ["rehab"]
    assert found([REHAB], "rehab and rehab") == ["rehab", "rehab"]


def test_combining_mark_belongs_to_the_word():
    decomposed_cafe = "cafe\u0301"
    assert found([term("cafe")], f"the {decomposed_cafe} is open") == []
    assert found([term(decomposed_cafe)], f"the {decomposed_cafe} is open") == [decomposed_cafe]


# Punctuation inside variants


def test_punctuation_in_a_variant_is_significant():
    terms = [term("Dr. Smith")]
    assert found(terms, "Ask Dr. Smith today") == ["Dr. Smith"]
    assert found(terms, "Ask Dr.\n  Smith today") == ["Dr.\n  Smith"]
    assert found(terms, "Ask Dr Smith today") == []


def test_variant_ending_in_punctuation_needs_a_boundary_after_it():
    terms = [term("U.S.")]
    assert found(terms, "in the U.S. today") == ["U.S."]
    assert found(terms, "in the U.S.A today") == []


# Whitespace and hyphens


@pytest.mark.parametrize(
    "text",
    [
        "cardiac rehab",
        "cardiac  rehab",
        "cardiac\nrehab",
        "cardiac  \n rehab",
        "cardiac\r\n\trehab",
        "cardiac\u00a0rehab",
        "cardiac\u202frehab",
        "cardiac-rehab",
        "cardiac\u2011rehab",
    ],
)
def test_multi_word_variant_matches_across_any_separator_run(text):
    assert found([term("cardiac rehab")], f"Join {text} now.") == [text]


@pytest.mark.parametrize(
    "text",
    [
        "heart-failure clinic",
        "heart failure clinic",
        "heart\u2010failure clinic",
        "heart\u2011failure clinic",
        "heart\u2013failure clinic",
        "heart - failure clinic",
        "heart--failure\nclinic",
    ],
)
def test_hyphen_in_variant_matches_hyphens_or_whitespace(text):
    assert found([term("heart-failure clinic")], f"The {text} opens.") == [text]


def test_em_dash_is_punctuation_not_a_separator():
    assert found([term("heart failure")], "heart\u2014failure") == []


def test_hyphenated_compound_is_several_words():
    assert found([REHAB], "pre-rehab and rehab-ready") == ["rehab", "rehab"]


def test_separators_around_a_variant_are_ignored():
    assert found([term(" -rehab\n")], "the rehab unit") == ["rehab"]


def test_variant_made_of_separators_only_is_ignored():
    matcher = Matcher([term(" ", "-", "")])
    assert matcher.is_empty
    assert len(matcher) == 0
    assert matcher.find("a - b") == []


# Case


def test_case_insensitive_by_default():
    terms = [term("Cardiac Rehab")]
    assert found(terms, "CARDIAC REHAB, cardiac rehab, Cardiac rehab") == [
        "CARDIAC REHAB",
        "cardiac rehab",
        "Cardiac rehab",
    ]


def test_case_sensitive_acronym_matches_only_as_written():
    terms = [term("CHF", case_sensitive=True)]
    assert found(terms, "CHF, chf, Chf, chfs and CHFs") == ["CHF", "CHFs"]


def test_case_insensitive_acronym_matches_any_case():
    assert found([term("CHF")], "CHF, chf, Chf") == ["CHF", "chf", "Chf"]


def test_case_sensitive_and_insensitive_terms_together():
    terms = [
        term("CHF", key="acronym", case_sensitive=True),
        term("heart failure", key="phrase"),
    ]
    findings = Matcher(terms).find("chf, CHF and Heart Failure")
    assert [(f.term_key, f.found) for f in findings] == [
        ("acronym", "CHF"),
        ("phrase", "Heart Failure"),
    ]


def test_same_phrase_case_sensitive_and_insensitive():
    terms = [
        term("CHF", key="acronym", case_sensitive=True, service_line="cardiology"),
        term("chf", key="any-case"),
    ]
    findings = Matcher(terms).find("CHF, chf, Chf")
    assert [(f.term_key, f.found) for f in findings] == [
        ("acronym", "CHF"),
        ("any-case", "chf"),
        ("any-case", "Chf"),
    ]
    assert found(terms, "CHF", ["orthopedics"]) == ["CHF"]
    assert Matcher(terms).find("CHF", ["orthopedics"])[0].term_key == "any-case"


# Unicode


def test_unicode_words_and_case():
    terms = [term("café"), term("Ärzte"), term("naïve")]
    text = "CAFÉ für ÄRZTE, a Naïve plan; cafés are its plural, ärzteschaft another word"
    assert found(terms, text) == ["CAFÉ", "ÄRZTE", "Naïve", "cafés"]


def test_simple_case_folding_keeps_length():
    terms = [term("straße")]
    assert found(terms, "Straße, STRAẞE, STRASSE") == ["Straße", "STRAẞE"]


def test_greek_final_sigma():
    assert found([term("ΟΔΟΣ")], "η οδος, η οδοσ") == ["οδος", "οδοσ"]


def test_fold_case_is_one_to_one():
    for text in ["Straße İstanbul ΟΔΟΣ ﬁle ŉ", "STRAẞE", "plain ascii"]:
        assert len(fold_case(text)) == len(text)
    assert fold_case("STRAẞE") == "straße"
    assert fold_case("ΟΔΟΣ") == "οδοσ"


def test_offsets_index_the_original_text_with_length_changing_characters():
    text = "İstanbul ﬁle Straße:\n\n\n  cardiac  rehab 😀 ok"
    [finding] = Matcher([term("cardiac rehab")]).find(text)
    assert text[finding.start : finding.end] == finding.found == "cardiac  rehab"
    assert (finding.line, finding.column) == (4, 3)


# Overlaps


def test_longest_match_wins_at_the_same_position():
    terms = [term("cardiac", key="short"), term("cardiac rehab", key="long")]
    findings = Matcher(terms).find("cardiac rehab and cardiac care")
    assert [(f.term_key, f.found) for f in findings] == [
        ("long", "cardiac rehab"),
        ("short", "cardiac"),
    ]


def test_leftmost_match_wins_and_findings_do_not_overlap():
    terms = [term("heart failure", key="a"), term("failure clinic", key="b")]
    findings = Matcher(terms).find("heart failure clinic")
    assert [(f.term_key, f.found) for f in findings] == [("a", "heart failure")]


def test_overlapping_occurrences_of_one_variant_resume_after_the_match():
    terms = [term("b a", key="ba"), term("a a", key="aa")]
    findings = Matcher(terms).find("b a a a")
    assert [(f.term_key, f.start, f.end) for f in findings] == [("ba", 0, 3), ("aa", 4, 7)]


def test_same_span_prefers_service_line_term_then_glossary_order():
    terms = [
        term("rehab", key="global"),
        term("rehab", key="cardio", service_line="cardiology"),
        term("rehab", key="cardio-2", service_line="cardiology"),
    ]
    matcher = Matcher(terms)
    assert [f.term_key for f in matcher.find("rehab")] == ["cardio"]
    assert [f.term_key for f in matcher.find("rehab", ["ortho"])] == ["global"]
    assert [f.term_key for f in naive_find(terms, "rehab")] == ["cardio"]


def test_reports_the_glossary_variant_as_written():
    terms = [term("heart failure", "Heart-Failure")]
    [finding] = Matcher(terms).find("HEART–FAILURE")
    assert finding.variant == "heart failure"
    assert finding.found == "HEART–FAILURE"


# Service lines


SCOPED_TERMS = [
    term("rehab", key="global"),
    term("cath lab", key="cardio", service_line="cardiology"),
    term("ortho clinic", key="ortho", service_line="orthopedics"),
]
SCOPED_TEXT = "rehab, cath lab and ortho clinic"


@pytest.mark.parametrize(
    ("service_lines", "expected"),
    [
        (None, ["global", "cardio", "ortho"]),
        ([], ["global"]),
        (["cardiology"], ["global", "cardio"]),
        (("cardiology", "orthopedics"), ["global", "cardio", "ortho"]),
        ({"behavioral-health"}, ["global"]),
        (iter(["orthopedics"]), ["global", "ortho"]),
    ],
)
def test_service_line_scoping(service_lines, expected):
    findings = Matcher(SCOPED_TERMS).find(SCOPED_TEXT, service_lines)
    assert [f.term_key for f in findings] == expected
    assert [f.service_line for f in findings] == [
        t.service_line for t in SCOPED_TERMS if t.key in expected
    ]


def test_service_lines_must_not_be_a_single_string():
    with pytest.raises(TypeError):
        Matcher(SCOPED_TERMS).find(SCOPED_TEXT, "cardiology")


# Positions and findings


def test_line_and_column_on_multi_line_text():
    text = "First line\nsecond: rehab\r\n\n  rehab again\nrehab"
    findings = Matcher([REHAB]).find(text)
    assert [(f.line, f.column) for f in findings] == [(2, 9), (4, 3), (5, 1)]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.found
        assert line_col(text, finding.start) == (finding.line, finding.column)


def test_line_col():
    text = "ab\ncd\n"
    assert [line_col(text, offset) for offset in range(len(text) + 1)] == [
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 1),
        (2, 2),
        (2, 3),
        (3, 1),
    ]
    with pytest.raises(ValueError):
        line_col(text, len(text) + 1)


def test_finding_fields_and_context():
    text = "x" * 50 + " We run a cardiac \n\n rehab programme for everyone " + "y" * 50
    [finding] = Matcher([Term(7, "cardiac rehabilitation", ("cardiac rehab",))]).find(text)
    assert finding.as_dict() == {
        "term_key": 7,
        "preferred": "cardiac rehabilitation",
        "replacement": "cardiac rehabilitation",
        "found": "cardiac \n\n rehab",
        "variant": "cardiac rehab",
        "form": "",
        "start": 60,
        "end": 76,
        "line": 1,
        "column": 61,
        "context": "…"
        + "x" * 20
        + " We run a cardiac rehab programme for everyone "
        + "y" * 6
        + "…",
        "service_line": None,
    }


def test_context_is_not_truncated_at_the_text_edges():
    [finding] = Matcher([REHAB]).find("Try rehab.")
    assert finding.context == "Try rehab."


# Terms and matcher


def test_term_variants_become_a_tuple():
    assert term("a", "b").variants == ("a", "b")
    assert Term(1, "p", ["a"]).variants == ("a",)
    with pytest.raises(TypeError):
        Term(1, "p", "rehab")


def test_matcher_len_counts_terms_with_usable_variants():
    matcher = Matcher([term("a", key="1"), term("b", "B", key="2"), term(key="3")])
    assert len(matcher) == 2
    assert not matcher.is_empty
    assert Matcher([]).is_empty
    assert Matcher([]).find("anything") == []


def test_empty_text():
    assert Matcher([REHAB]).find("") == []


# Property-based: the automaton agrees with the regex reference


WORDS = [
    "rehab",
    "prehab",
    "rehabilitation",
    "cardiac",
    "heart",
    "failure",
    "clinic",
    "CHF",
    "chf",
    "a",
    "b",
    "e",
    "café",
    "cafe\u0301",
    "Ärzte",
    "naïve",
    "straße",
    "STRASSE",
    "ΟΔΟΣ",
    "οδος",
    "İ",
    "x_1",
    "24",
    "😀",
    "Dr.",
    "U.S.",
    "lab",
    "labs",
    "therapy",
    "therapies",
    "ER",
    "ERs",
    "Down's",
    "Down\u2019s",
    "car\u00addiac",
    "\u200brehab",
]
SEPARATORS = [
    " ",
    " ",
    " ",
    "  ",
    "\n",
    " \n ",
    "\u00a0",
    "\t",
    "-",
    "\u2010",
    "\u2011",
    "\u2012",
    "\u2013",
    "\uff0d",
    " \u200b",
]
PUNCTUATION = [".", ",", "'", "\u2019", "(", ")", "/", "\u2014", ":", "\u201c"]


@st.composite
def cased_words(draw) -> str:
    word = draw(st.sampled_from(WORDS))
    return draw(st.sampled_from([word, word.upper(), word.lower(), word.title()]))


@st.composite
def texts(draw) -> str:
    parts = []
    for word in draw(st.lists(cased_words(), max_size=25)):
        parts.append(word)
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(PUNCTUATION)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


@st.composite
def variants(draw) -> str:
    words = draw(st.lists(cased_words(), min_size=1, max_size=3))
    separators = [draw(st.sampled_from([" ", "-", " - ", "  "])) for _ in words]
    return "".join(word + separator for word, separator in zip(words, separators, strict=True))[
        : -len(separators[-1])
    ]


@st.composite
def glossary_terms(draw) -> Term:
    """Terms using every feature: case per variant, exceptions, style rules, and
    preferred wordings that contain (or equal, up to case and hyphens) a variant."""
    term_variants = draw(st.lists(variants(), min_size=1, max_size=3))
    preferred = draw(
        st.one_of(
            st.just("preferred"),
            variants(),
            st.sampled_from(term_variants).map(lambda variant: f"{variant} 19"),
            st.sampled_from(term_variants).map(str.upper),
        )
    )
    return Term(
        key=draw(st.integers(0, 1000)),
        preferred=preferred,
        variants=tuple(term_variants),
        case_sensitive=draw(st.booleans()),
        service_line=draw(st.sampled_from([None, None, "cardiology", "orthopedics"])),
        match_case=tuple(draw(st.lists(st.sampled_from(term_variants), max_size=2))),
        exceptions=tuple(draw(st.lists(variants(), max_size=2))),
        enforce_capitalisation=draw(st.booleans()),
    )


terms_strategy = st.lists(glossary_terms(), max_size=8)
scopes = st.one_of(
    st.none(), st.lists(st.sampled_from(["cardiology", "orthopedics", "behavioral-health"]))
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms=terms_strategy, text=texts(), service_lines=scopes)
def test_matcher_agrees_with_naive_reference(terms, text, service_lines):
    findings = Matcher(terms).find(text, service_lines)
    assert findings == naive_find(terms, text, service_lines)
    assert findings == sorted(findings, key=lambda finding: finding.start)
    for previous, finding in zip(findings, findings[1:], strict=False):
        assert previous.end <= finding.start
    for finding in findings:
        assert text[finding.start : finding.end] == finding.found
        assert line_col(text, finding.start) == (finding.line, finding.column)


def shout(word: str) -> str:
    """Upper-case ``word`` unless that changes its length (ß becomes SS)."""
    upper = word.upper()
    return upper if len(upper) == len(word) else word


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(cased_words(), min_size=1, max_size=3),
    before=texts(),
    after=texts(),
    separator=st.sampled_from(SEPARATORS),
    upper=st.booleans(),
)
def test_planted_variant_is_found_with_any_separators_and_case(
    words, before, after, separator, upper
):
    terms = [term(" ".join(words))]
    planted = separator.join(map(shout, words) if upper else words)
    text = f"{before} {planted} {after}"
    # An invisible character is never part of a match's edge.
    start = len(before) + 1 + len(planted) - len(planted.lstrip(INVISIBLE))
    findings = Matcher(terms).find(text)
    assert findings == naive_find(terms, text)
    # The planted occurrence is found, unless an earlier overlapping
    # occurrence of the same variant covers its start.
    assert any(f.start <= start < f.end for f in findings)


def test_finding_is_a_frozen_value():
    finding = Matcher([REHAB]).find("rehab")[0]
    assert isinstance(finding, Finding)
    with pytest.raises(AttributeError):
        finding.start = 3  # type: ignore[misc]
