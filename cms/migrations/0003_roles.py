"""Create Concord's roles, so every installation has them, not only the demo.

The groups' permissions are kept in step by ``cms.roles.sync_role_permissions``, which
runs after every ``migrate`` (see ``cms/apps.py``): the permissions of models added
later (snippets' lock permissions, for one) don't exist yet when this runs.
"""

from django.db import migrations

ROLES = ("Marketers", "Compliance reviewers", "Sales reps")
# Wagtail's starter groups: "Moderators" may publish, which would let people skip review.
WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_home_page_and_approved_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
