"""Parallel review by function: routes name the groups that must each approve.

The default routes (any content type) get their default groups: public and external
material Compliance and Clinical reviewers, internal material the internal review
group (``reviews.defaults.required_group_names``). Routes an administrator added are
left as they are (one approval, as before).
"""

import django.db.models.deletion
from django.db import migrations, models

from reviews.defaults import set_default_required_groups


def default_route_groups(apps, schema_editor):
    route_model = apps.get_model("reviews", "ReviewRoute")
    for route in route_model.objects.filter(content_type=None):
        if not route.required_groups.exists():
            set_default_required_groups(apps, route)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('cms', '0006_clinical_and_legal_reviewers'),
        ('reviews', '0005_signatures_reminders_route_messages'),
    ]

    operations = [
        migrations.AddField(
            model_name='approvalvote',
            name='group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='auth.group'),
        ),
        migrations.AddField(
            model_name='compliancetaskstate',
            name='required_groups',
            field=models.ManyToManyField(blank=True, related_name='+', to='auth.group'),
        ),
        migrations.AddField(
            model_name='reviewroute',
            name='required_groups',
            field=models.ManyToManyField(blank=True, help_text="Each of these groups reviews in parallel and must approve, each by a different person, before the content goes live (e.g. Compliance and Clinical reviewers). Empty: one approval by a member of the review step's groups.", related_name='+', to='auth.group', verbose_name='groups that must approve'),
        ),
        migrations.AddField(
            model_name='reviewevent',
            name='group_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='group'),
        ),
        migrations.RunPython(default_route_groups, migrations.RunPython.noop),
    ]
