"""What the terminology gate checks, and the comment it sends back.

Three checks, all on the submitted revision (not the live row):

1. glossary: ``glossary.checking.check_object(obj)`` finds disallowed variants of
   approved glossary terms, each with where it is and what to say instead;
2. approved messages: content may not use an approved message that has been withdrawn
   or has expired (see "Cascade" in ``docs/reviews.md``);
3. files: the documents and images it uses must fit its audience
   (``cms.files.file_privacy_problems``: internal material only restricted files,
   external and public material only unrestricted ones). The admin forms refuse such a
   save already; this catches a revision saved any other way, and a file whose
   collection changed since.
"""

import logging

from django.contrib.contenttypes.models import ContentType

from wagtail.models import ReferenceIndex

from cms import checks
from cms.files import file_privacy_problems

logger = logging.getLogger(__name__)

PASSED = "Terminology gate: no disallowed terms found."
CHECK_FAILED = (
    "Terminology gate: the glossary check could not run, so this can't go to review yet. "
    "Resubmit in a few minutes; if it happens again, tell a Concord administrator."
)


def finding_text(finding):
    """One finding as a line a marketer can act on: where, what was found, what to write."""
    where = getattr(finding, "path", "") or "text"
    found = getattr(finding, "found", "")
    preferred = getattr(finding, "preferred", "")
    position = ""
    if getattr(finding, "line", None):
        position = f" (line {finding.line}, column {getattr(finding, 'column', '?')})"
    if found and preferred:
        return f"{where}{position}: replace “{found}” with “{preferred}”."
    message = getattr(finding, "message", None)
    return message() if callable(message) else str(finding)


def terminology_problems(obj):
    from glossary.checking import check_object

    return [finding_text(finding) for finding in check_object(obj)]


def withdrawn_message_problems(obj):
    """Approved messages used by ``obj`` that are not live or are past their review-by date."""
    from cms.models import ApprovedMessage

    message_type = ContentType.objects.get_for_model(ApprovedMessage)
    used = {}
    # Wagtail's own reference extraction (StreamField blocks, foreign keys, child objects).
    for (
        content_type_id,
        object_id,
        _model_path,
        content_path,
    ) in ReferenceIndex._extract_references_from_object(obj):
        if content_type_id == message_type.pk:
            used.setdefault(str(object_id), content_path)
    if not used:
        return []
    problems = []
    for message in ApprovedMessage.objects.filter(pk__in=used).order_by("title"):
        if message.is_current():
            continue
        if not message.live:
            state = "has been withdrawn"
        elif not message.approval_code:
            state = "has not been approved"
        else:
            state = "is past its review-by date"
        problems.append(
            f"{used[str(message.pk)]}: the approved message “{message.title}” {state}; "
            "choose a current message or remove it."
        )
    return problems


def gate_decision(obj):
    """``(passed, comment)`` for the revision object ``obj``."""
    try:
        problems = terminology_problems(obj)
    except Exception:
        logger.exception("Terminology gate failed on %r", obj)
        return False, CHECK_FAILED
    problems += withdrawn_message_problems(obj)
    problems += file_privacy_problems(obj)
    # The editor's registered checks that have a gate part (images without a
    # description: what a screen reader and a tagged PDF would lack).
    problems += checks.gate_problems(obj)
    if not problems:
        return True, PASSED
    count = len(problems)
    lines = [
        f"Terminology gate: {count} {'change' if count == 1 else 'changes'} needed "
        "before this can go to compliance review:",
        *(f"{number}. {problem}" for number, problem in enumerate(problems, start=1)),
        "Make the changes, save, and resubmit.",
    ]
    return False, "\n".join(lines)
