"""The workflow finish action, named by ``WAGTAIL_FINISH_WORKFLOW_ACTION``.

Wagtail imports this when ``wagtail.models`` loads, so the module imports nothing at
the top: the real work is in ``reviews.services.workflow_finished``.
"""


def publish_approved_revision(workflow_state, user=None):
    """Publish the approved revision and record the approval (see ``reviews.services``)."""
    from reviews.services import workflow_finished

    return workflow_finished(workflow_state=workflow_state, user=user)
