"""What real copy contains: forms of a word, typography, exceptions, case and style rules.

Cases written from the published behaviour of established checkers
(textlint-rule-terminology, Vale's ``substitution`` rule with exceptions,
retext-equality) and from healthcare copy. Every case also checks that the matcher
agrees with its naive reference.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.inflection import plural_forms, pluralise
from glossary.terminology import INVISIBLE, Matcher, Term, naive_find


def findings(terms, text, service_lines=None):
    result = Matcher(terms).find(text, service_lines)
    assert result == naive_find(terms, text, service_lines)
    for finding in result:
        assert text[finding.start : finding.end] == finding.found
    return result


def found(terms, text):
    return [finding.found for finding in findings(terms, text)]


def term(preferred, *variants, key="t", **kwargs):
    return Term(key=key, preferred=preferred, variants=variants, **kwargs)


# Plurals and possessives

CATH_LAB = term("cardiac catheterization laboratory", "cath lab")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Book the cath labs now", "cath labs"),
        ("Two Cath Labs opened", "Cath Labs"),
        ("two cath-labs", "cath-labs"),
        ("the cath lab's hours", "cath lab"),
        ("the cath lab\u2019s hours", "cath lab"),
        ("the cath labs' hours", "cath labs"),
        ("the cath labs\u2019 hours", "cath labs"),
    ],
)
def test_plurals_and_possessives_of_a_variant_are_found(text, expected):
    assert found([CATH_LAB], text) == [expected]


def test_a_plural_finding_says_so_and_suggests_the_plural_preferred_term():
    [finding] = findings([CATH_LAB], "our cath labs")
    assert finding.form == "plural"
    assert finding.variant == "cath lab"
    assert finding.replacement == "cardiac catheterization laboratories"
    [singular] = findings([CATH_LAB], "our cath lab")
    assert singular.form == ""
    assert singular.replacement == "cardiac catheterization laboratory"


def test_possessive_stays_outside_the_match_so_a_replacement_keeps_it():
    text = "the Heart Center\u2019s team"
    [finding] = findings([term("Heart & Vascular Institute", "Heart Center")], text)
    replaced = text[: finding.start] + finding.replacement + text[finding.end :]
    assert replaced == "the Heart & Vascular Institute\u2019s team"


def test_acronym_plurals_take_a_small_s_and_keep_case_sensitivity():
    terms = [term("emergency department", "ER", case_sensitive=True)]
    assert found(terms, "ERs, ER's, ERS, ers and Ers") == ["ERs", "ER", "ERS"]


@pytest.mark.parametrize(
    ("variant", "text"),
    [
        ("therapy", "therapies"),
        ("diagnosis", "diagnoses"),
        ("child life specialist", "child life specialists"),
        ("bypass", "bypasses"),
        ("echo", "echoes"),
        ("stent", "Stents"),
        ("woman", "women"),
        ("criterion", "criteria"),
    ],
)
def test_english_plural_rules_and_irregular_nouns(variant, text):
    assert found([term("preferred", variant)], f"Two {text} today.") == [text]


def test_a_generated_form_that_is_another_word_is_excluded_by_an_exception():
    terms = [term("novel", "new", exceptions=("news",))]
    assert found(terms, "new therapy in the news") == ["new"]


def test_inflection_rules():
    assert plural_forms("cath lab") == ("cath labs",)
    assert plural_forms("ER") == ("ERs", "ERS")
    assert plural_forms("COVID-19") == ()
    assert plural_forms("U.S.") == ()
    assert plural_forms("staff") == ()
    assert pluralise("Cardiac Rehabilitation Program") == "Cardiac Rehabilitation Programs"
    assert pluralise("MyChart") == "MyCharts"
    assert pluralise("therapy") == "therapies"
    assert pluralise("day") == "days"


# Typography


@pytest.mark.parametrize(
    ("variant", "text"),
    [
        ("Down's syndrome", "Down\u2019s syndrome"),
        ("Down\u2019s syndrome", "Down's syndrome"),
        ("Down's syndrome", "Down\u02bcs syndrome"),
        ('"care team"', "\u201ccare team\u201d"),
        ("cardiac rehab", "cardiac\u00a0rehab"),
        ("cardiac rehab", "car\u00addiac rehab"),
        ("cardiac rehab", "cardiac\u200b rehab"),
        ("cardiac rehab", "cardiac re\u200dhab"),
        ("cardiac rehab", "cardiac\u2012rehab"),
        ("cardiac rehab", "cardiac\uff0drehab"),
        ("cardiac rehab", "cardiac \u2060\u2011 rehab"),
    ],
)
def test_typography_from_word_processors_is_equivalent(variant, text):
    assert found([term("preferred", variant)], f"Our {text} team") == [text]


def test_invisible_characters_at_the_edges_stay_outside_the_match():
    text = "a \u200bcardiac rehab\ufeff."
    [finding] = findings([term("preferred", "cardiac rehab")], text)
    assert (finding.start, finding.end, finding.found) == (3, 16, "cardiac rehab")


def test_invisible_characters_join_a_word_instead_of_breaking_it():
    # "rehab\u00adilitation" is the word "rehabilitation", not "rehab" + "ilitation".
    assert found([term("preferred", "rehab")], "rehab\u00adilitation") == []


def test_minus_sign_and_em_dash_are_still_punctuation():
    assert (
        found([term("preferred", "heart failure")], "heart\u2212failure heart\u2014failure") == []
    )


PLAIN_WORDS = ["cardiac", "rehab", "cath", "lab", "labs", "Down's", "ER", "the", "a"]


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(PLAIN_WORDS), min_size=1, max_size=12),
    decorations=st.lists(st.tuples(st.integers(0, 200), st.sampled_from(INVISIBLE)), max_size=8),
    curly=st.booleans(),
)
def test_normalisation_keeps_offsets_exact(words, decorations, curly):
    """Invisible characters anywhere and curly apostrophes change nothing but offsets."""
    terms = [
        term("p1", "cardiac rehab", key="a"),
        term("p2", "cath lab", key="b"),
        term("p3", "Down's", key="c"),
        term("p4", "ER", key="d", case_sensitive=True),
    ]
    plain = " ".join(words)
    decorated_chars = list(plain.replace("'", "\u2019") if curly else plain)
    # Where each character of the plain text ends up in the decorated one.
    positions = list(range(len(plain)))
    for at, char in sorted(decorations, reverse=True):
        at = min(at, len(decorated_chars))
        decorated_chars.insert(at, char)
        positions = [p + 1 if p >= at else p for p in positions]
    decorated = "".join(decorated_chars)

    expected = findings(terms, plain)
    actual = findings(terms, decorated)
    assert [(f.term_key, f.variant, f.form) for f in actual] == [
        (f.term_key, f.variant, f.form) for f in expected
    ]
    for before, after in zip(expected, actual, strict=True):
        assert after.start == positions[before.start]
        assert after.end == positions[before.end - 1] + 1
        assert decorated[after.start : after.end] == after.found


# Exceptions


def test_exception_allows_the_variant_inside_a_phrase():
    terms = [
        term("internet", "Internet", match_case=("Internet",), exceptions=("Internet Explorer",))
    ]
    assert found(terms, "Open Internet Explorer, not the Internet.") == ["Internet"]
    [finding] = findings(terms, "Open Internet Explorer, not the Internet.")
    assert finding.start == len("Open Internet Explorer, not the ")


def test_exception_for_a_registered_program_name():
    terms = [
        term(
            "cardiac rehabilitation",
            "rehab",
            exceptions=("Healthy Hearts Rehab Program",),
        )
    ]
    text = "Join the Healthy Hearts Rehab Program. Rehab starts Monday."
    assert found(terms, text) == ["Rehab"]
    # Matched like a variant: any case, separators, typography, plurals.
    assert found(terms, "the healthy-hearts\u00a0rehab programs") == []


def test_an_exception_excuses_only_its_own_term():
    terms = [
        term("rehabilitation", "rehab", key="rehab", exceptions=("rehab program",)),
        term("Cardiac Rehabilitation Program", "rehab program", key="program"),
    ]
    assert [(f.term_key, f.found) for f in findings(terms, "our rehab program")] == [
        ("program", "rehab program")
    ]


def test_a_shorter_finding_of_another_term_is_reported_when_the_longer_one_is_excused():
    terms = [
        term("heart failure clinic", "HF clinic", key="long", exceptions=("HF clinic Nord",)),
        term("heart failure", "HF", key="short"),
    ]
    assert [(f.term_key, f.found) for f in findings(terms, "the HF clinic Nord")] == [
        ("short", "HF")
    ]


# Case


def test_one_term_with_a_case_sensitive_acronym_and_a_case_insensitive_phrase():
    terms = [term("emergency department", "ED", "emergency room", match_case=("ED",))]
    assert found(terms, "ED, ed, Ed and the Emergency Room") == ["ED", "Emergency Room"]


def test_every_other_capitalisation_of_a_brand_is_flagged_by_one_flag():
    terms = [term("MyChart", enforce_capitalisation=True)]
    assert found(terms, "MyChart, Mychart, MYCHART, myChart and mycharts") == [
        "Mychart",
        "MYCHART",
        "myChart",
        "mycharts",
    ]
    [finding] = findings(terms, "log in to MYCHART")
    assert (finding.variant, finding.replacement) == ("MyChart", "MyChart")
    assert findings(terms, "two mycharts")[0].replacement == "MyCharts"


def test_capitalisation_only_variant_means_exactly_that():
    terms = [term("MyChart", "Mychart")]
    assert found(terms, "MyChart, Mychart, MYCHART") == ["Mychart"]


# Style rules


def test_hyphenation_only_variant_flags_the_missing_hyphen():
    terms = [term("follow-up care", "follow up care")]
    text = "follow-up care, follow\u2011up care, Follow up care, follow  up\ncare, follow-up-care"
    assert found(terms, text) == ["Follow up care", "follow  up\ncare"]


def test_hyphen_where_the_style_wants_a_space():
    terms = [term("health care", "health-care")]
    assert found(terms, "health care and health-care and health\u2013care") == [
        "health-care",
        "health\u2013care",
    ]


def test_a_variant_contained_in_the_preferred_term_is_allowed():
    terms = [term("COVID-19", "COVID")]
    text = "COVID-19, COVID\u201119, covid-19 and COVID 19 are fine; COVID alone is not."
    [finding] = findings(terms, text)
    assert (finding.found, finding.start) == ("COVID", text.index("COVID alone"))


def test_the_preferred_term_excuses_only_its_own_variants():
    terms = [
        term("COVID-19", "COVID", key="covid"),
        term("coronavirus disease", "COVID-19", key="other"),
    ]
    assert [(f.term_key, f.found) for f in findings(terms, "COVID-19")] == [("other", "COVID-19")]
