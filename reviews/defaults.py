"""The default review workflows, tasks and routes.

``ensure_default_workflows(apps)`` takes an app registry so the data migration can run
it with historical models and ``reviews.apps`` can run it after every ``migrate`` (a
test that flushes the database gets them back, like the roles). It only creates what
is missing, looked up by name, so an administrator's later edits are kept.
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

from cms.roles import CLINICAL as CLINICAL_GROUP
from cms.roles import COMPLIANCE as COMPLIANCE_GROUP

GATE_TASK = "Terminology gate"
COMPLIANCE_TASK = "Compliance approval"
INTERNAL_TASK = "Internal approval"
DEFAULT_WORKFLOW = "Compliance review"
INTERNAL_WORKFLOW = "Internal review"

# audience -> workflow name
DEFAULT_ROUTES = {
    "public": DEFAULT_WORKFLOW,
    "external": DEFAULT_WORKFLOW,
    "internal": INTERNAL_WORKFLOW,
}


def required_group_names(audience):
    """Who must approve by default: public and external material needs compliance and
    clinical reviewers, in parallel; internal material the internal review group."""
    if audience == "internal":
        return [internal_review_group_name()]
    return [COMPLIANCE_GROUP, CLINICAL_GROUP]


def set_default_required_groups(apps, route):
    """Give a default route (any content type) its default required groups."""
    group_model = apps.get_model("auth", "Group")
    groups = [
        group_model.objects.get_or_create(name=name)[0]
        for name in required_group_names(route.audience)
    ]
    route.required_groups.set(groups)


def internal_review_group_name():
    """Who approves internal-only material: compliance unless a sales-ops group is set."""
    return getattr(settings, "CONCORD_INTERNAL_REVIEW_GROUP", "") or COMPLIANCE_GROUP


def _task(apps, model_name, name, **fields):
    model = apps.get_model("reviews", model_name)
    task_model = apps.get_model("wagtailcore", "Task")
    existing = task_model.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(model)
    return model.objects.create(name=name, content_type=content_type, active=True, **fields), True


def _workflow(apps, name, tasks):
    workflow_model = apps.get_model("wagtailcore", "Workflow")
    workflow = workflow_model.objects.filter(name=name).first()
    if workflow is not None:
        return workflow
    workflow = workflow_model.objects.create(name=name, active=True)
    workflow_task = apps.get_model("wagtailcore", "WorkflowTask")
    for order, task in enumerate(tasks):
        workflow_task.objects.create(workflow=workflow, task_id=task.pk, sort_order=order)
    return workflow


def ensure_default_workflows(apps):
    group_model = apps.get_model("auth", "Group")
    compliance, _ = group_model.objects.get_or_create(name=COMPLIANCE_GROUP)
    internal_group, _ = group_model.objects.get_or_create(name=internal_review_group_name())

    gate, _ = _task(apps, "TerminologyGateTask", GATE_TASK)
    compliance_task, created = _task(
        apps, "ComplianceApprovalTask", COMPLIANCE_TASK, required_approvals=1
    )
    if created:
        compliance_task.groups.set([compliance])
    internal_task, created = _task(
        apps, "ComplianceApprovalTask", INTERNAL_TASK, required_approvals=1
    )
    if created:
        internal_task.groups.set([internal_group])

    workflows = {
        DEFAULT_WORKFLOW: _workflow(apps, DEFAULT_WORKFLOW, [gate, compliance_task]),
        INTERNAL_WORKFLOW: _workflow(apps, INTERNAL_WORKFLOW, [gate, internal_task]),
    }
    route_model = apps.get_model("reviews", "ReviewRoute")
    try:
        route_model._meta.get_field("required_groups")
        has_groups = True
    except FieldDoesNotExist:  # an early migration: reviews/0006 adds them later
        has_groups = False
    for audience, workflow_name in DEFAULT_ROUTES.items():
        route, created = route_model.objects.get_or_create(
            content_type=None, audience=audience, defaults={"workflow": workflows[workflow_name]}
        )
        if created and has_groups:
            set_default_required_groups(apps, route)
    return workflows


def assign_message_workflow(apps):
    """Approved messages (the one reviewable snippet model the migration can see)."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    message_type = content_type_model.objects.get_for_model(
        apps.get_model("cms", "ApprovedMessage")
    )
    workflow = apps.get_model("wagtailcore", "Workflow").objects.get(name=DEFAULT_WORKFLOW)
    apps.get_model("wagtailcore", "WorkflowContentType").objects.get_or_create(
        content_type=message_type, defaults={"workflow": workflow}
    )


STARTER_WORKFLOW = "Moderators approval"


def replace_starter_workflow(apps):
    """Wagtail's starter workflow ("Moderators approval" on the root page) makes way.

    Its group, Moderators, is removed by ``cms`` (it may publish), so nobody could
    approve it; the root page gets the default review workflow instead, which covers
    every site's pages until something nearer is assigned.
    """
    workflow_model = apps.get_model("wagtailcore", "Workflow")
    starter = workflow_model.objects.filter(name=STARTER_WORKFLOW).first()
    if starter is None:
        return
    default = workflow_model.objects.get(name=DEFAULT_WORKFLOW)
    apps.get_model("wagtailcore", "WorkflowPage").objects.filter(workflow=starter).update(
        workflow=default
    )
    starter.active = False
    starter.save(update_fields=["active"])
    apps.get_model("wagtailcore", "Task").objects.filter(
        workflow_tasks__workflow=starter, name=STARTER_WORKFLOW
    ).update(active=False)
