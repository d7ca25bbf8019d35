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
        from cms import accessibility, freshness

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="concord-roles")
        _connect_file_rules()
        freshness.connect()  # what served content depends on moves the content version
        accessibility.register()  # images without alt text: the "Accessibility" check


def _connect_file_rules():
    """The file rules of ``cms.files`` (docs/security.md, "Files"): a document or image
    that approved content uses can't be replaced, moved, renamed (documents) or deleted,
    even by a script; every reviewable page type's form checks that its files fit its
    audience."""
    from django.db.models.signals import pre_delete, pre_save

    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from cms.files import refuse_locked_file_change, refuse_locked_file_delete
    from cms.forms import use_reviewable_page_form

    for model in (get_document_model(), get_image_model()):
        pre_save.connect(
            refuse_locked_file_change,
            sender=model,
            dispatch_uid=f"concord-file-lock-{model._meta.label_lower}",
        )
        pre_delete.connect(
            refuse_locked_file_delete,
            sender=model,
            dispatch_uid=f"concord-file-keep-{model._meta.label_lower}",
        )
    use_reviewable_page_form()
