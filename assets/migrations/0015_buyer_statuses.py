"""The shared status model every installation starts with (administrators edit it)."""

from django.db import migrations

STATUSES = [
    # slug, name, counts as progress
    ("interested", "Interested", False),
    ("qualified", "Qualified", True),
    ("referral-pending", "Referral pending", True),
    ("consult-scheduled", "Consult scheduled", True),
    ("onboarded", "Onboarded", True),
    ("nurture", "Nurture", False),
    ("not-a-fit", "Not a fit", False),
]


def create_statuses(apps, schema_editor):
    BuyerStatus = apps.get_model("assets", "BuyerStatus")
    for order, (slug, name, progress) in enumerate(STATUSES, start=1):
        BuyerStatus.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order, "counts_as_progress": progress}
        )


class Migration(migrations.Migration):
    dependencies = [("assets", "0014_call_outcomes")]

    operations = [migrations.RunPython(create_statuses, migrations.RunPython.noop)]
