from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _after_migrate(sender, using="default", **kwargs):
    """Keep the default workflows and their snippet assignments (like the roles do).

    Also after a test flushes the database. Skipped while reviews' own tables don't
    exist yet (a partial ``migrate``).
    """
    from reviews.models import ReviewRoute
    from reviews.services import assign_default_workflows

    if ReviewRoute._meta.db_table not in connections[using].introspection.table_names():
        return
    assign_default_workflows(pages=False)


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews import signals

        signals.connect()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="concord-review-defaults")
