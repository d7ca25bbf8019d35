"""Clinical and legal reviewers: the groups that review in parallel with compliance.

Their permissions are set by ``cms.roles.sync_role_permissions`` after ``migrate``, as
for every role. Review routes that require them are set up by ``reviews``.
"""

from django.db import migrations

ROLES = ("Clinical reviewers", "Legal reviewers")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_contentversion")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
