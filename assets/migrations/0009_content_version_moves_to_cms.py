"""The library version row becomes the base's content version (``cms.ContentVersion``).

Its value is carried over, one up, so no cache key built after the move can meet an
entry cached before it under the same number.
"""

from django.db import migrations


def carry_over(apps, schema_editor):
    LibraryVersion = apps.get_model("assets", "LibraryVersion")
    ContentVersion = apps.get_model("cms", "ContentVersion")
    old = LibraryVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    ContentVersion.objects.update_or_create(pk=1, defaults={"value": old + 1})


def carry_back(apps, schema_editor):
    LibraryVersion = apps.get_model("assets", "LibraryVersion")
    ContentVersion = apps.get_model("cms", "ContentVersion")
    new = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    LibraryVersion.objects.update_or_create(pk=1, defaults={"value": new + 1})


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0008_audience_choices_in_one_place"),
        ("cms", "0005_contentversion"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="LibraryVersion"),
    ]
