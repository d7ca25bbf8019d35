"""Objection phrases are unique per service line by the digest of their wording (0006)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0006_objection_phrase_digest"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="objectionphrase",
            name="unique_objection_phrase",
        ),
        migrations.AddConstraint(
            model_name="objectionphrase",
            constraint=models.UniqueConstraint(
                fields=("service_line", "digest"), name="unique_objection_phrase_digest"
            ),
        ),
    ]
