from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from wagtail.snippets.models import create_extra_permissions

    from cms.roles import sync_role_permissions

    # This runs before the other apps' own post_migrate handlers, so create every
    # permission first (Django's model permissions and Wagtail's snippet extras).
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    create_extra_permissions(apps.get_app_config("wagtailsnippets"), using=using)
    sync_role_permissions(using=using)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Concord"

    def ready(self):
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="concord-roles")
