"""Review routes pick the workflow by content type and audience; they are admin data."""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from wagtail.models import (
    PageLogEntry,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

import pytest

from assets.models import EnablementAssetPage, LibraryIndexPage, Objection, TalkTrackPage
from cms.models import ApprovedMessage
from glossary.models import GlossaryTerm
from reviews.defaults import DEFAULT_WORKFLOW, INTERNAL_WORKFLOW
from reviews.models import ComplianceApprovalTask, ReviewRoute
from reviews.services import assign_default_workflows
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory
from tests.cms.factories import PASSWORD
from tests.reviews.factories import approve, cardiology, current_task, submit

pytestmark = pytest.mark.django_db


def submitted(page, *, user):
    page.save_revision(user=user)
    submit(page, user=user)
    return page.workflow_states.get()


def test_default_routes_public_and_external_to_compliance_internal_to_internal_review(marketer):
    external = EnablementAssetFactory(title="Referral guide", service_lines=[cardiology()])
    internal = TalkTrackFactory(title="Heart failure discovery call", service_lines=[cardiology()])
    assert external.get_workflow().name == DEFAULT_WORKFLOW  # assigned by tree

    assert submitted(external, user=marketer).workflow.name == DEFAULT_WORKFLOW
    assert submitted(internal, user=marketer).workflow.name == INTERNAL_WORKFLOW
    _task, task_state = current_task(internal)
    assert task_state.task.name == "Internal approval"
    # The history names the workflow that really runs.
    start = PageLogEntry.objects.get(page=internal, action="wagtail.workflow.start")
    assert start.data["workflow"]["title"] == INTERNAL_WORKFLOW


def test_the_audience_of_the_submitted_revision_decides(marketer):
    asset = EnablementAssetFactory(
        title="Coverage FAQ", audience="internal", service_lines=[cardiology()]
    )
    asset.audience = "public"  # changed in the draft only
    assert submitted(asset, user=marketer).workflow.name == DEFAULT_WORKFLOW


def test_a_route_for_a_content_type_beats_the_default_and_can_name_a_sales_ops_group(
    marketer, reviewer
):
    sales_ops = Group.objects.create(name="Sales ops")
    lead = sales_ops.user_set.create(username="salesops")
    lead.set_password(PASSWORD)  # approvals are signed with it
    lead.save()
    task = ComplianceApprovalTask.objects.create(name="Sales ops approval")
    task.groups.set([sales_ops])
    gate = Workflow.objects.get(name=DEFAULT_WORKFLOW).tasks.first()
    workflow = Workflow.objects.create(name="Sales ops review")
    WorkflowTask.objects.create(workflow=workflow, task=gate, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=1)
    ReviewRoute.objects.create(
        content_type=ContentType.objects.get_for_model(TalkTrackPage),
        audience="internal",
        workflow=workflow,
    )
    talk_track = TalkTrackFactory(title="Orthopedics discovery call", service_lines=[cardiology()])
    assert submitted(talk_track, user=marketer).workflow == workflow
    task_obj, _state = current_task(talk_track)
    assert task_obj.get_actions(talk_track, reviewer) == []  # compliance isn't on this route
    approve(talk_track, user=lead)
    talk_track.refresh_from_db()
    assert talk_track.live and talk_track.approval_code.startswith("CARD-TT-")


def test_routes_are_edited_in_the_admin_by_administrators(client, admin_user, reviewer):
    client.force_login(admin_user)
    index = client.get(reverse("review_routes:index"))
    assert index.status_code == 200
    assert "Internal review" in index.content.decode()
    client.force_login(reviewer)
    assert client.get(reverse("review_routes:index")).status_code in (302, 403)


def test_default_workflows_exist_and_assignment_is_idempotent(home_page):
    compliance = Workflow.objects.get(name=DEFAULT_WORKFLOW)
    assert [task.name for task in compliance.tasks] == ["Terminology gate", "Compliance approval"]
    internal = Workflow.objects.get(name=INTERNAL_WORKFLOW)
    assert [task.name for task in internal.tasks] == ["Terminology gate", "Internal approval"]
    assert not Workflow.objects.get(name="Moderators approval").active

    for model in (ApprovedMessage, Objection, GlossaryTerm):
        link = WorkflowContentType.objects.get(
            content_type=ContentType.objects.get_for_model(model)
        )
        assert link.workflow == compliance
    library = LibraryIndexPage.objects.first() or EnablementAssetFactory().get_parent().specific
    assign_default_workflows()
    assert WorkflowPage.objects.get(page=home_page).workflow == compliance
    assert WorkflowPage.objects.get(page=library).workflow == compliance
    counts = (
        WorkflowPage.objects.count(),
        WorkflowContentType.objects.count(),
        ReviewRoute.objects.count(),
    )
    assert assign_default_workflows() == []
    assert (
        WorkflowPage.objects.count(),
        WorkflowContentType.objects.count(),
        ReviewRoute.objects.count(),
    ) == counts


def test_a_workflow_without_a_human_approval_publishes_nothing(marketer):
    gate_only = Workflow.objects.create(name="Gate only")
    WorkflowTask.objects.create(
        workflow=gate_only,
        task=Workflow.objects.get(name=DEFAULT_WORKFLOW).tasks.first(),
        sort_order=0,
    )
    ReviewRoute.objects.filter(content_type=None, audience="external").update(workflow=gate_only)
    asset = EnablementAssetFactory(title="Unreviewed", service_lines=[cardiology()])
    submitted(asset, user=marketer)
    asset.refresh_from_db()
    assert not asset.live and not asset.approval_code
    assert isinstance(asset, EnablementAssetPage)


def test_the_submit_button_names_the_workflow_the_route_will_run(client, marketer):
    from tests.assets.factories import ObjectionFactory

    external = EnablementAssetFactory(title="Referral guide", service_lines=[cardiology()])
    internal = TalkTrackFactory(title="Heart failure discovery call", service_lines=[cardiology()])
    objection = ObjectionFactory(service_lines=[cardiology()])
    client.force_login(marketer)

    def submit_label(url):
        body = client.get(url).content.decode()
        return {
            name for name in (DEFAULT_WORKFLOW, INTERNAL_WORKFLOW) if f"Submit to {name}" in body
        }

    # The tree assigns the default workflow to both pages; the internal one is routed.
    assert submit_label(reverse("wagtailadmin_pages:edit", args=[external.pk])) == {
        DEFAULT_WORKFLOW
    }
    assert submit_label(reverse("wagtailadmin_pages:edit", args=[internal.pk])) == {
        INTERNAL_WORKFLOW
    }
    objection_url = reverse("wagtailsnippets_assets_objection:edit", args=[objection.pk])
    assert submit_label(objection_url) == {INTERNAL_WORKFLOW}
