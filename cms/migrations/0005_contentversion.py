from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_servicelinepage"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "content version"},
        ),
    ]
