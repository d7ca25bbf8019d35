from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Sales enablement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assets import freshness, pdf_signals, signals  # noqa: F401 - connects the signal handlers

        freshness.connect()
