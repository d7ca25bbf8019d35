"""E-mail to reviewers: when work reaches them, and when it is past its due date.

Wagtail e-mails a group approval task's members only for its own task class, so
Concord's review steps reached nobody but the superuser. :func:`review_waiting` (on
``task_submitted`` for ``ComplianceTaskState``) writes to each active member of the
step's groups who may act on it (not the author or submitter: separation of duties)
and has an e-mail address, with a link to the workspace (``WAGTAILADMIN_BASE_URL``).
The messages are written when the transaction that started the step commits, and
only if the step is still waiting then (the gate may have sent it straight back);
they go out with the e-mail settings in force when it started.

``manage.py remind_reviewers`` (daily, from cron) calls :func:`remind_overdue`: one
reminder per reviewer, item and day (``ReviewReminder``), so running it twice a day
sends nothing the second time. Authors hear about requested changes from Wagtail's
own workflow e-mail.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from wagtail.models import TaskState

logger = logging.getLogger(__name__)


def _absolute(path):
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def reviewers_for(task_state):
    """Who may act on ``task_state`` now: active members of each group it requires (of
    its task's groups when it requires none) with an e-mail address, minus anyone the
    task refuses (author, submitter, earlier voter, a group that has approved)."""
    from django.contrib.auth import get_user_model

    task = task_state.task.specific
    task_state = task_state.specific
    obj = task_state.revision.content_object
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=task_state.reviewer_groups())
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [
        person
        for person in people
        if obj is not None and task.refusal_reason(obj, person, task_state=task_state) is None
    ]


def _your_part(task_state, person):
    """The line saying which group the person reviews for, in a parallel review."""
    task_state = task_state.specific
    group = task_state.group_for(person)
    if group is None:
        return []
    others = [review.label for review in task_state.group_reviews() if review.group != group]
    also = f" (in parallel with {' and '.join(others)})" if others else ""
    return [f"  You review for: {group.name}{also}"]


def _message(task_state, person, *, subject, opening):
    from reviews.selectors import QueueItem
    from reviews.workspace import workspace_url

    item = QueueItem(task_state, timezone.now())
    lines = [
        f"Hello {person.get_short_name() or person.get_username()},",
        "",
        opening,
        "",
        f"  {item.kind.capitalize()}: {item.title}",
        f"  Step: {task_state.task.name}",
        *_your_part(task_state, person),
        f"  Submitted by: {item.submitted_by or '—'}",
        f"  Due: {item.due:%-d %B %Y}",
        "",
        f"Review it here: {_absolute(workspace_url(item.object))}",
        "",
        "— Concord",
    ]
    return EmailMessage(
        subject=subject.format(title=item.title),
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    )


def review_waiting(sender, instance, user=None, **kwargs):
    """``task_submitted``: tell the step's reviewers it is waiting for them."""
    task_state_pk = instance.pk
    connection = get_connection()  # the e-mail settings in force now

    def send():
        task_state = (
            instance.__class__.objects.filter(pk=task_state_pk, status=TaskState.STATUS_IN_PROGRESS)
            .select_related("revision", "workflow_state__requested_by", "task")
            .first()
        )
        if task_state is None:
            return  # sent straight back (the gate), cancelled, or already decided
        messages = [
            _message(
                task_state,
                person,
                subject="Waiting for your review: {title}",
                opening="Something is waiting for your review in Concord.",
            )
            for person in reviewers_for(task_state)
        ]
        try:
            connection.send_messages(messages)
        except OSError:  # the mail server is down: the queue still shows it
            logger.exception("Couldn't e-mail reviewers about task state %s", task_state_pk)

    transaction.on_commit(send)


def remind_overdue(*, today=None):
    """E-mail each reviewer about each overdue item once per day. Returns how many
    reminders were sent."""
    from reviews.models import ComplianceTaskState, ReviewReminder
    from reviews.selectors import QueueItem

    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    states = ComplianceTaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).select_related(
        "revision", "workflow_state__requested_by", "task"
    )
    connection = get_connection()
    for task_state in states:
        item = QueueItem(task_state, now)
        if item.object is None or item.due >= today:
            continue
        for person in reviewers_for(task_state):
            once = {"task_state": task_state, "user": person, "sent_on": today}
            if ReviewReminder.objects.filter(**once).exists():
                continue
            message = _message(
                task_state,
                person,
                subject="Overdue for review: {title}",
                opening=f"This was due for review on {item.due:%-d %B %Y}.",
            )
            connection.send_messages([message])
            ReviewReminder.objects.create(**once)
            sent += 1
    return sent
