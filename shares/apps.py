from django.apps import AppConfig


class SharesConfig(AppConfig):
    name = "shares"
    verbose_name = "Buyer share links"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shares import receivers  # noqa: F401 - reps hear when what they shared changes
