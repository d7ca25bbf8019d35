"""Glossary CSV: parsing with line-numbered errors, all-or-nothing import, round trip."""

import pytest

from glossary import csv_io
from glossary.importing import GlossaryImportError, glossary_import
from glossary.models import GlossaryTerm
from glossary.selectors import export_rows
from tests.glossary.factories import GlossaryTermFactory

HEADER = "service_line,preferred,variants,kind,definition,plain_language,case_sensitive,notes\n"
# The canonical header an export writes: every column, in order.
FULL_HEADER = HEADER.strip() + ",match_case,exceptions,enforce_capitalisation\n"

GOOD = (
    HEADER + "cardiology,Cardiac Rehabilitation Program,cardiac rehab|heart rehab,program_name,"
    '"A 12-week program, three sites.",Exercise and coaching.,false,From the 2025 style guide\n'
    + "cardiology,TAVR,TAVI,acronym,Valve replacement.,A new valve.,true,\n"
    + ",prior authorization,pre-auth|prior auth,Clinical term,,,,\n"
)


def errors_of(text):
    with pytest.raises(csv_io.GlossaryFileError) as caught:
        csv_io.parse_glossary(text)
    return [str(error) for error in caught.value.errors]


# Parsing


def test_a_good_file_parses_into_rows():
    rows = csv_io.parse_glossary(GOOD)
    assert [(row.line, row.service_line, row.preferred) for row in rows] == [
        (2, "cardiology", "Cardiac Rehabilitation Program"),
        (3, "cardiology", "TAVR"),
        (4, "", "prior authorization"),
    ]
    assert rows[0].variants == ("cardiac rehab", "heart rehab")
    assert rows[1].case_sensitive is True
    assert rows[2].kind == "clinical_term"  # labels work too


def test_bad_rows_are_reported_with_their_line_numbers():
    text = (
        HEADER
        + "cardiology,,cardiac rehab,program_name,,,false,\n"  # line 2: no preferred
        + 'cardiology,TAVR,TAVI,"acro\nnym",,,maybe,\n'  # lines 3-4: a quoted line break
        + "cardiology,Heart Failure Clinic,Heart  Failure Clinic,program_name,,,,\n"  # line 5
        + "cardiology,Cardiac Rehabilitation Program,rehab|program,program_name,,,true,\n"  # 6
        + "cardiology,cardiac rehabilitation program,cardio rehab,program_name,,,,\n"  # 7
    )
    assert errors_of(text) == [
        "line 2: “preferred” is empty",
        "line 3: unknown kind “acro\nnym” (use one of: program_name, care_pathway_step, "
        "clinical_term, acronym)",
        "line 3: case_sensitive must be true or false, not “maybe”",
        "line 5: “Heart Failure Clinic” is the preferred term itself, so it would flag every "
        "correct use. (A variant that differs from it only in capitalisation or hyphenation "
        "is allowed: it flags exactly that difference.)",
        "line 7: “cardiac rehabilitation program” is already on line 6 for cardiology",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("preferred,variants\n", "line 1: missing column(s) service_line, kind"),
        (HEADER.strip() + ",colour\n", "line 1: unknown column(s) 'colour'"),
        (HEADER + "cardiology,A,b,acronym,,,false,,extra\n", "line 2: 9 cells but only 8"),
        (HEADER + "cardiology,A\x00,b,acronym,,,,\n", "line 2: “preferred” contains a control"),
    ],
)
def test_structural_problems(text, message):
    assert errors_of(text)[0].startswith(message)


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(csv_io.GlossaryFileError, match="not UTF-8"):
        csv_io.decode("preferred\ncaf\xe9\n".encode("latin-1"))


def test_a_byte_order_mark_is_fine():
    assert csv_io.parse_glossary(csv_io.decode(("\ufeff" + GOOD).encode()))[0].line == 2


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing():
    rows = csv_io.parse_glossary("kind,preferred,variants,service_line\nacronym,TAVR,TAVI,\n")
    assert rows[0].definition == "" and rows[0].case_sensitive is False


# Importing


def test_import_creates_drafts_that_are_not_enforced(cardiology, marketer):
    result = glossary_import(rows=csv_io.parse_glossary(GOOD), user=marketer)
    assert len(result.created) == 3
    terms = GlossaryTerm.objects.order_by("pk")
    assert [term.live for term in terms] == [False, False, False]
    rehab = terms[0]
    assert rehab.service_line == cardiology
    assert rehab.variant_list == ["cardiac rehab", "heart rehab"]
    assert rehab.latest_revision.user == marketer
    assert rehab.owner == marketer
    assert terms[2].service_line is None


def test_a_file_with_an_error_imports_nothing(cardiology):
    text = GOOD + "nowhere,Spine Care Pathway,spine program,program_name,,,,\n"
    with pytest.raises(GlossaryImportError) as caught:
        glossary_import(rows=csv_io.parse_glossary(text))
    assert [str(error) for error in caught.value.errors] == [
        "line 5: unknown service line “nowhere” (known: cardiology)"
    ]
    assert GlossaryTerm.objects.count() == 0


def test_a_row_conflicting_with_another_row_is_a_problem_of_the_file(cardiology):
    from glossary.importing import glossary_import_text

    text = HEADER + (
        "cardiology,Heart Failure Clinic,HF clinic,program_name,,,,\n"
        ",Clinic hours,heart failure clinic,clinical_term,,,,\n"
    )
    expected = (
        "line 2: “Heart Failure Clinic” contains “Heart Failure Clinic”, a disallowed variant"
    )
    assert errors_of(text)[0].startswith(expected)
    with pytest.raises(GlossaryImportError) as caught:
        glossary_import_text(text=text)
    assert str(caught.value.errors[0]).startswith(expected)
    assert GlossaryTerm.objects.count() == 0


def test_a_row_conflicting_with_an_approved_term_imports_nothing(cardiology, prior_auth_term):
    text = HEADER + "cardiology,Prior auth desk,prior auth team,program_name,,,,\n"
    with pytest.raises(GlossaryImportError, match="a disallowed variant of “prior authorization”"):
        glossary_import(rows=csv_io.parse_glossary(text))


def test_reimporting_updates_with_a_draft_and_leaves_the_live_version(cardiology, rehab_term):
    text = (
        HEADER + "cardiology,cardiac rehabilitation program,cardiac rehab|cardio rehab,"
        "program_name,New definition.,,false,\n"
    )
    result = glossary_import(rows=csv_io.parse_glossary(text))
    assert [term.pk for term in result.updated] == [rehab_term.pk]
    rehab_term.refresh_from_db()
    assert rehab_term.live and rehab_term.has_unpublished_changes
    assert rehab_term.variant_list == ["cardiac rehab", "heart rehab"]  # still the approved one
    draft = rehab_term.get_latest_revision_as_object()
    assert draft.variant_list == ["cardiac rehab", "cardio rehab"]
    assert draft.preferred == "cardiac rehabilitation program"


def test_importing_the_same_file_twice_changes_nothing(cardiology):
    rows = csv_io.parse_glossary(GOOD)
    glossary_import(rows=rows)
    revisions = sum(term.revisions.count() for term in GlossaryTerm.objects.all())
    again = glossary_import(rows=rows)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert sum(term.revisions.count() for term in GlossaryTerm.objects.all()) == revisions


def test_submitting_needs_a_review_workflow(cardiology, marketer):
    from wagtail.models import WorkflowContentType

    WorkflowContentType.objects.filter(content_type__app_label="glossary").delete()
    with pytest.raises(GlossaryImportError, match="no review workflow"):
        glossary_import(rows=csv_io.parse_glossary(GOOD), user=marketer, submit=True)
    assert GlossaryTerm.objects.count() == 0


def test_submitting_starts_the_review_workflow(cardiology, marketer):
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

    workflow = Workflow.objects.create(name="Glossary review")
    task = GroupApprovalTask.objects.create(name="Compliance")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(GlossaryTerm),
        defaults={"workflow": workflow},
    )
    result = glossary_import(rows=csv_io.parse_glossary(GOOD), user=marketer, submit=True)
    assert len(result.submitted) == 3
    for term in GlossaryTerm.objects.all():
        assert term.workflow_in_progress and not term.live


# Export: the same CSV back


def test_export_gives_the_imported_file_back(cardiology):
    glossary_import(rows=csv_io.parse_glossary(GOOD))
    exported = csv_io.glossary_csv(export_rows())
    assert exported.replace("\r\n", "\n") == (
        FULL_HEADER
        + "cardiology,Cardiac Rehabilitation Program,cardiac rehab|heart rehab,program_name,"
        '"A 12-week program, three sites.",Exercise and coaching.,false,From the 2025 style guide'
        ",,,false\n"
        + "cardiology,TAVR,TAVI,acronym,Valve replacement.,A new valve.,true,,,,false\n"
        + ",prior authorization,pre-auth|prior auth,clinical_term,,,false,,,,false\n"
    )
    # And that export, imported into an empty glossary, exports identically.
    GlossaryTerm.objects.all().delete()
    glossary_import(rows=csv_io.parse_glossary(exported))
    assert csv_io.glossary_csv(export_rows()) == exported


def test_every_problem_of_a_file_is_reported_together(cardiology, prior_auth_term):
    from glossary.importing import glossary_import_text

    text = HEADER + (
        "nowhere,Spine Care Pathway,,program_name,,,,\n"  # line 2: database
        "cardiology,,x,acronym,,,,\n"  # line 3: format
        "cardiology,Prior auth desk,prior auth team,program_name,,,,\n"  # line 4: conflict
    )
    with pytest.raises(GlossaryImportError) as caught:
        glossary_import_text(text=text)
    assert [error.line for error in caught.value.errors] == [2, 3, 4]
    assert isinstance(caught.value, csv_io.GlossaryFileError)
    assert GlossaryTerm.objects.count() == 1


def test_formula_cells_survive_the_round_trip(cardiology):
    text = HEADER + "cardiology,=Rehab,+x|-y|@z,program_name,＝def,－plain,false,'=note\n"
    glossary_import(rows=csv_io.parse_glossary(text))
    exported = csv_io.glossary_csv(export_rows())
    assert exported.splitlines()[1] == (
        "cardiology,'=Rehab,'+x|-y|@z,program_name,'＝def,'－plain,false,'=note,,,false"
    )
    term = GlossaryTerm.objects.get()
    assert (term.preferred, term.variant_list, term.definition, term.notes) == (
        "=Rehab",
        ["+x", "-y", "@z"],
        "＝def",
        "=note",  # the file's own apostrophe was a neutraliser too
    )
    assert csv_io.parse_glossary(exported)[0] == csv_io.parse_glossary(text)[0]


def test_export_of_approved_terms_only(cardiology, rehab_term, prior_auth_term):
    GlossaryTermFactory(service_line=cardiology, preferred="TAVR", variants="TAVI")
    rows = export_rows(approved_only=True)
    assert [row.preferred for row in rows] == [
        "Cardiac Rehabilitation Program",
        "prior authorization",
    ]
    assert [row.preferred for row in export_rows(global_only=True)] == ["prior authorization"]
    assert [row.preferred for row in export_rows(service_line=cardiology)] == [
        "Cardiac Rehabilitation Program",
        "TAVR",
    ]
