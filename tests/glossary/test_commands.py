"""``import_glossary`` and ``check_terminology``: output, JSON and exit codes."""

import json
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import CommandError, call_command

import pytest

from glossary.models import GlossaryTerm
from tests.glossary.factories import MessageFactory

HEADER = "service_line,preferred,variants,kind,definition,plain_language,case_sensitive,notes\n"
GLOSSARY = (
    HEADER
    + "cardiology,Cardiac Rehabilitation Program,cardiac rehab|heart rehab,program_name,,,false,\n"
    + ",prior authorization,pre-auth|prior auth,clinical_term,,,false,\n"
)


def run(*args):
    """``(exit status, stdout, stderr)`` of the command, called in-process."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command(*args, stdout=stdout, stderr=stderr)
        status = 0
    except SystemExit as exit:
        status = exit.code
    except CommandError as error:
        status = error.returncode
        stderr.write(str(error))
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def glossary_file(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


# import_glossary


def test_import_glossary_creates_drafts(cardiology, glossary_file, marketer):
    status, out, _ = run("import_glossary", str(glossary_file), "--user", "marketer")
    assert status == 0
    assert "2 created, 0 updated, 0 unchanged" in out
    assert "drafts" in out
    assert GlossaryTerm.objects.filter(live=False).count() == 2


def test_import_glossary_reports_bad_rows_and_imports_nothing(cardiology, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GLOSSARY + "cardiology,TAVR,TAVI,acronymm,,,false,\n", encoding="utf-8")
    status, _, err = run("import_glossary", str(path))
    assert status == 1
    assert f"{path}: line 4: unknown kind “acronymm”" in err
    assert "Nothing was imported" in err
    assert GlossaryTerm.objects.count() == 0


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_import_glossary_reports_database_problems_with_the_format_ones(
    cardiology, tmp_path, dry_run
):
    path = tmp_path / "bad.csv"
    path.write_text(
        GLOSSARY
        + "nowhere,Spine Care Pathway,,program_name,,,false,\n"
        + "cardiology,TAVR,TAVI,acronymm,,,false,\n",
        encoding="utf-8",
    )
    status, _, err = run("import_glossary", str(path), *(["--dry-run"] if dry_run else []))
    assert status == 1
    assert f"{path}: line 4: unknown service line “nowhere”" in err
    assert f"{path}: line 5: unknown kind “acronymm”" in err
    assert "Nothing was imported" in err
    assert GlossaryTerm.objects.count() == 0


def test_import_glossary_dry_run_saves_nothing(cardiology, glossary_file):
    status, out, _ = run("import_glossary", str(glossary_file), "--dry-run")
    assert status == 0 and "Would import" in out and "2 created" in out
    assert GlossaryTerm.objects.count() == 0


def test_import_glossary_submit_needs_a_user(cardiology, glossary_file):
    status, _, err = run("import_glossary", str(glossary_file), "--submit")
    assert status == 2 and "--submit needs --user" in err


def test_import_glossary_missing_file(db, tmp_path):
    status, _, err = run("import_glossary", str(tmp_path / "nope.csv"))
    assert status == 1 and "can't read" in err


# check_terminology on files


@pytest.fixture
def draft_files(tmp_path):
    email = tmp_path / "email.md"
    email.write_text(
        "# Referral update\n\nWe handle the prior auth.\nAsk about [heart rehab](https://example.org/heart-rehab).\n",
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    page.write_text("<p>Clean copy.</p>\n<p>Our <b>cardiac rehab</b> team.</p>\n")
    clean = tmp_path / "clean.txt"
    clean.write_text("Nothing to see here.\n")
    return email, page, clean


def test_files_are_checked_against_a_glossary_file(db, glossary_file, draft_files):
    email, page, _ = draft_files
    status, out, _ = run(
        "check_terminology", "--glossary", str(glossary_file), str(email), str(page)
    )
    assert status == 1
    assert out.splitlines() == [
        f'{email}:3:15: "prior auth" → use "prior authorization"',
        f'{email}:4:12: "heart rehab" → use "Cardiac Rehabilitation Program"',
        f'{page}:2:11: "cardiac rehab" → use "Cardiac Rehabilitation Program"',
        "3 findings in files.",
    ]


def test_json_output_for_scripts(db, glossary_file, draft_files):
    email, _, _ = draft_files
    status, out, _ = run(
        "check_terminology", "--format", "json", "--glossary", str(glossary_file), str(email)
    )
    assert status == 1
    findings = json.loads(out)
    assert findings[0] == {
        "source": str(email),
        "field": None,
        "line": 3,
        "column": 15,
        "found": "prior auth",
        "preferred": "prior authorization",
        "replacement": "prior authorization",
        "variant": "prior auth",
        "context": "We handle the prior auth. Ask about [heart rehab](…",
        "term": 3,
        "service_line": None,
    }


def test_a_clean_file_exits_0(db, glossary_file, draft_files):
    _, _, clean = draft_files
    status, out, _ = run("check_terminology", "--glossary", str(glossary_file), str(clean))
    assert status == 0 and out.strip() == "0 findings in files."
    status, out, _ = run(
        "check_terminology", "--format", "json", "--glossary", str(glossary_file), str(clean)
    )
    assert status == 0 and json.loads(out) == []


def test_service_line_option_narrows_the_terms_for_files(db, glossary_file, draft_files):
    email, _, _ = draft_files
    _, out, _ = run(
        "check_terminology",
        "--format",
        "json",
        "--glossary",
        str(glossary_file),
        "--service-line",
        "orthopedics",
        str(email),
    )
    assert [finding["found"] for finding in json.loads(out)] == ["prior auth"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda tmp: ["check_terminology", str(tmp / "missing.md")], "Can't read"),
        (lambda tmp: ["check_terminology", str(tmp)], "Can't read"),
        (lambda tmp: ["check_terminology", "--glossary", str(tmp / "x.csv"), str(tmp)], "x.csv"),
        (lambda tmp: ["check_terminology", "--service-line", "cardiology"], "files only"),
    ],
)
def test_usage_errors_exit_2(db, tmp_path, setup, message):
    status, _, err = run(*setup(tmp_path))
    assert status == 2
    assert message in err


def test_a_bad_glossary_file_is_a_usage_error_with_line_numbers(db, tmp_path, draft_files):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "cardiology,A,,wrong,,,,\n", encoding="utf-8")
    status, _, err = run("check_terminology", "--glossary", str(bad), str(draft_files[2]))
    assert status == 2
    assert "line 2: unknown kind “wrong”" in err


def test_a_binary_file_is_a_usage_error(db, glossary_file, tmp_path):
    binary = tmp_path / "logo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    status, _, err = run("check_terminology", "--glossary", str(glossary_file), str(binary))
    assert status == 2 and "not UTF-8" in err


# check_terminology on stored content


def test_stored_content_live_and_drafts(cardiology, rehab_term):
    clean = MessageFactory(
        title="Clean",
        text="Cardiac Rehabilitation Program.",
        service_lines=[cardiology],
        approved=True,
    )
    draft = clean.get_latest_revision_as_object()
    draft.text = "Now cardiac rehab."
    draft.save_revision()
    MessageFactory(title="New draft", text="Heart rehab soon.", service_lines=[cardiology])

    status, out, _ = run("check_terminology", "--format", "json")
    assert status == 1
    rows = [
        (f["source"].split(":")[0], f["object"], f["version"], f["field"], f["found"])
        for f in json.loads(out)
    ]
    assert rows == [
        ("cms.approvedmessage", "Clean", "draft", "text", "cardiac rehab"),
        ("cms.approvedmessage", "New draft", "draft", "text", "Heart rehab"),
    ]

    status, out, _ = run("check_terminology", "--live-only")
    assert status == 0 and "0 findings in stored content." in out


def test_stored_content_text_output(cardiology, rehab_term):
    message = MessageFactory(
        title="Rehab", text="Start heart rehab.", service_lines=[cardiology], approved=True
    )
    status, out, _ = run("check_terminology")
    assert status == 1
    assert out.splitlines()[0] == (
        f"cms.approvedmessage:{message.pk} “Rehab” text, line 1, col 7: "
        '"heart rehab" → use "Cardiac Rehabilitation Program"'
    )


def test_stored_content_checked_against_a_glossary_file(cardiology, glossary_file):
    MessageFactory(title="Auth", text="We do the pre-auth.", service_lines=[cardiology])
    status, out, _ = run("check_terminology", "--format", "json", "--glossary", str(glossary_file))
    assert status == 1
    assert [f["found"] for f in json.loads(out)] == ["pre-auth"]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the subprocess needs a database it can open; the in-process tests cover PostgreSQL",
)
def test_exit_status_from_the_command_line(tmp_path, glossary_file, draft_files):
    """The real process exit codes, as a script or CI job sees them (no database needed)."""
    email, _, clean = draft_files
    base = [sys.executable, "manage.py", "check_terminology", "--glossary", str(glossary_file)]
    cwd = settings.BASE_DIR
    assert subprocess.run([*base, str(clean)], cwd=cwd, capture_output=True).returncode == 0  # noqa: S603
    assert subprocess.run([*base, str(email)], cwd=cwd, capture_output=True).returncode == 1  # noqa: S603
    missing = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [*base, str(tmp_path / "missing.md")], cwd=cwd, capture_output=True
    )
    assert missing.returncode == 2
    assert b"Can't read" in missing.stderr
