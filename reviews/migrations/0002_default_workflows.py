"""Create the default review workflows, tasks and routes; assign approved messages.

Public and external content: terminology gate, then compliance approval. Internal
content: terminology gate, then internal approval (the compliance reviewers, or the
group named by CONCORD_INTERNAL_REVIEW_GROUP). The page trees and the other snippet
models get their workflow from ``reviews.services.assign_default_workflows``; Wagtail's
starter workflow on the root page is replaced by the default one.
"""

from django.db import migrations

from reviews.defaults import (
    assign_message_workflow,
    ensure_default_workflows,
    replace_starter_workflow,
)


def forwards(apps, schema_editor):
    ensure_default_workflows(apps)
    assign_message_workflow(apps)
    replace_starter_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("cms", "0003_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
