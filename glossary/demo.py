"""The demo organisation's glossaries, and a few drafts that break them.

The terms come from ``glossary/demo_data/terms.yaml``. Each is created as a draft by
the marketer and queued for review (``cms.demodata.queue_for_review``): ``reviews.demo``
takes it through the real review workflow, which publishes it. The approved messages in
``violating_drafts.yaml`` use disallowed variants on purpose and are never approved, so
the edit-form panel, the workflow's terminology gate and ``check_terminology`` have
something to show. Idempotent: terms and messages are looked up by their natural keys
first.
"""

from wagtail.actions.create import CreateAction

from cms.demodata import queue_for_review, read
from cms.models import ApprovedMessage, ServiceLine
from glossary.models import GlossaryTerm


def _as_row(record):
    return (
        record.get("service_line"),
        record["preferred"],
        record["kind"],
        record.get("variants", []),
        record.get("definition", ""),
        record.get("plain_language", ""),
        record.get("case_sensitive", False),
    )


# The demo terms as rows: (service line slug or None for every service line, preferred,
# kind, variants, definition, plain language, case sensitive).
TERMS = [_as_row(record) for record in read("glossary", "terms")]


def seed(context):
    marketer = context.users.get("marketer")
    service_lines = {line.slug: line for line in ServiceLine.objects.all()}
    context.extra.setdefault("to_approve", [])
    for record in read("glossary", "terms"):
        slug, preferred, kind, variants, definition, plain, case_sensitive = _as_row(record)
        service_line = service_lines.get(slug) if slug else None
        if slug and service_line is None:
            continue
        term = GlossaryTerm.objects.filter(
            service_line=service_line, preferred__iexact=preferred
        ).first()
        if term is None:
            term = GlossaryTerm(
                service_line=service_line,
                preferred=preferred,
                kind=kind,
                variants="\n".join(variants),
                definition=definition,
                plain_language=plain,
                case_sensitive=case_sensitive,
                owner=marketer,
            )
            term.full_clean()
            term = CreateAction(term, user=marketer).execute(skip_permission_checks=True)
        queue_for_review(context, term, record.get("review", "approve"))
    seed_violating_drafts(context, service_lines, marketer)


def seed_violating_drafts(context, service_lines, marketer):
    for record in read("glossary", "violating_drafts"):
        service_line = service_lines.get(record["service_line"])
        title = record["title"]
        if service_line is None or ApprovedMessage.objects.filter(title=title).exists():
            continue
        message = ApprovedMessage(
            title=title,
            kind=record.get("kind", ApprovedMessage.Kind.KEY_MESSAGE),
            text=record["text"],
            owner=marketer,
        )
        message.service_lines = [service_line]
        CreateAction(message, user=marketer).execute(skip_permission_checks=True)
