from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Sales enablement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assets import signals  # noqa: F401 - connects the signal handlers
        from assets.models import Objection
        from assets.pdf import receivers  # noqa: F401 - the PDF cache follows review's signals
        from cms import freshness

        # Talk-track PDFs and call packs print objections' approved responses.
        freshness.watch(Objection)
