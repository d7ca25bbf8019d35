"""Small helpers to put content through the real review workflow in tests."""

from django.contrib.auth.models import Group

from cms import indexing, roles
from cms.models import ApprovedMessage, HomePage
from reviews.forms import all_checklist_items, checklist_for
from tests.cms.factories import PASSWORD, ServiceLineFactory, UserFactory

# Every item of every group's checklist: each group's form reads its own.
TICKED = {name: True for name, _label in all_checklist_items()}
# What a vote for one group keeps: that group's checklist, ticked.
COMPLIANCE_TICKED = {name: True for name, _label in checklist_for(None)}
CLINICAL_TICKED = {name: True for name, _label in checklist_for(Group(name=roles.CLINICAL))}
# Every test user's password (``UserFactory``): approvals are signed with it.
SIGNED = {**TICKED, "password": PASSWORD}


def approval_form(comment=""):
    """POST data of the approval modal with every checklist item ticked, signed."""
    return {**dict.fromkeys(TICKED, "on"), "comment": comment, "password": PASSWORD}


def cardiology():
    return ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")


def draft_message(*, author, title="Rehab access", text=None, service_line=None, owner=None):
    """An approved message saved as a draft revision by ``author`` (never published)."""
    message = ApprovedMessage(
        title=title,
        text=text or "Most referred patients start cardiac rehabilitation within ten days.",
        kind=ApprovedMessage.Kind.KEY_MESSAGE,
        live=False,
        owner=owner,
    )
    message.save()
    message.service_lines.set([service_line or cardiology()])
    message.save()
    message.save_revision(user=author)
    return message


def edit(obj, *, user, **changes):
    """Save a new draft revision of ``obj`` with ``changes`` (the live row stays)."""
    latest = obj.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(latest, name, value)
    return latest.save_revision(user=user)


def submit(obj, *, user):
    """Start (or resume) review as the edit view's "Submit" button does."""
    obj = type(obj).objects.get(pk=obj.pk)
    state = obj.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        return state.resume(user)
    return obj.get_workflow().start(obj, user)


def current_task(obj):
    obj = type(obj).objects.get(pk=obj.pk)
    return obj.current_workflow_task, obj.current_workflow_task_state


def approve(obj, *, user, comment="", others=True, **checklist):
    """``user`` approves ``obj`` at its current step.

    Where the step needs several groups in parallel (public and external content needs
    Compliance and Clinical reviewers by default), the *other* groups then approve too,
    each by its own reviewer (:func:`group_approver`), so "the reviewer approves" still
    means "it is approved" — unless ``others=False``. Groups ``user`` belongs to are
    left to ``user`` and their colleagues (``required_approvals``).
    """
    task, task_state = current_task(obj)
    result = task.on_action(
        task_state, user, "approve", **{**SIGNED, **checklist, "comment": comment}
    )
    if others:
        approve_other_groups(obj, task_state=task_state, besides=user)
    return result


def approve_other_groups(obj, *, besides, task_state=None):
    """Each required group of ``task_state`` (``obj``'s current one by default) that
    ``besides`` isn't in, and that still waits, approves by its :func:`group_approver`:
    for tests where one reviewer acts through a screen and the item should then go
    live as before parallel review."""
    from reviews.models import ComplianceTaskState

    if task_state is None:
        _task, task_state = current_task(obj)
        if task_state is None:
            return
    task_state = ComplianceTaskState.objects.get(pk=task_state.pk)
    if task_state.status != task_state.STATUS_IN_PROGRESS:
        return
    mine = task_state.user_group_ids(besides)
    for review in task_state.waiting_for():
        if review.group is None or review.group.pk in mine:
            continue
        task, current = current_task(obj)
        if current is None or current.pk != task_state.pk:
            return
        task.on_action(current, group_approver(review.group.name), "approve", **SIGNED)


def group_approver(group_name):
    """A reviewer of ``group_name`` who approves test content (created once per test)."""
    username = "factory-" + group_name.lower().replace(" ", "-")
    user = UserFactory._meta.model.objects.filter(username=username).first()
    return user or UserFactory(username=username, groups=[group_name])


def request_changes(obj, *, user, comment):
    task, task_state = current_task(obj)
    return task.on_action(task_state, user, "reject", comment=comment)


def make_reviewer(username, group=roles.COMPLIANCE):
    return UserFactory(username=username, groups=[group])


def public_page(*, author, title="Cardiology", parent=None):
    """A draft child page of the home page (a plain HomePage-free public page)."""
    from cms.models import ServiceLinePage

    parent = parent or HomePage.objects.get()
    page = ServiceLinePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        service_line=cardiology(),
        intro="Heart care close to home, with a named nurse from referral onwards.",
        live=False,
        owner=author,
    )
    parent.add_child(instance=page)
    page.save_revision(user=author)
    return page


def group(name):
    return Group.objects.get(name=name)


def approved_term(*, preferred, variants, author, approver, service_line=None):
    """A glossary term taken through the real workflow, so the gate enforces it."""
    from glossary.models import GlossaryTerm

    term = GlossaryTerm(
        preferred=preferred,
        variants="\n".join(variants),
        service_line=service_line,
        definition=f"The name we use for {preferred}.",
        live=False,
    )
    term.save()
    term.save_revision(user=author)
    submit(term, user=author)
    approve(term, user=approver)
    term.refresh_from_db()
    assert term.live and term.approval_code, "the term should be approved"
    return term


def approver():
    """A compliance reviewer who approves test content (created once per test)."""
    user = UserFactory._meta.model.objects.filter(username="factory-approver").first()
    return user or UserFactory(username="factory-approver", groups=[roles.COMPLIANCE])


def approve_now(obj, *, revision=None, by=None, review_by=None, code=None, version=None):
    """Approve and publish ``obj``'s latest state through the real approval service.

    Skips the workflow (for tests about what comes *after* approval), not the record:
    the approval record, its fingerprint and the stamp are written exactly as the finish
    action writes them, so the "live means approved" rule holds. Saves a revision of
    ``obj`` as it stands in memory unless ``revision`` is given.

    ``review_by``, ``code`` and ``version`` then set the stamp as a test needs it (a
    review-by date in the past, a given code), saved as ``reviews`` saves a stamp, so the
    content version moves on by itself. Returns the approval record.
    """
    from reviews.services import approve_and_publish

    with indexing.batched():  # as one review step: each object indexed once
        if revision is None:
            revision = (
                obj.save_revision(clean=False)
                if hasattr(obj, "get_parent")
                else obj.save_revision()
            )
        record = approve_and_publish(obj=obj, revision=revision, approvers=[by or approver()])
        obj.refresh_from_db()
        stamp = {"review_by": review_by, "approval_code": code, "approval_version": version}
        stamp = {name: value for name, value in stamp.items() if value is not None}
        if stamp:
            restamp(obj, **stamp)
    return record


def restamp(obj, **fields):
    """Set stamp fields (``approval_code``, ``review_by``, ...) on ``obj`` as it stands.

    Saved with ``update_fields``, as ``reviews`` saves a stamp: ``post_save`` moves the
    content version on, so caches see the change without a manual bump. Returns ``obj``.
    """
    for name, value in fields.items():
        setattr(obj, name, value)
    if hasattr(obj, "get_parent"):
        obj.save(update_fields=list(fields), clean=False)
    else:
        obj.save(update_fields=list(fields))
    return obj
