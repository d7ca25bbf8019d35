from django.urls import path, reverse

from wagtail import hooks

from cms.menus import PermissionMenuItem
from shares import reports
from shares.services import CREATE_ACTION, REVOKE_ACTION, oversees_shares


@hooks.register("register_log_actions")
def share_log_actions(actions):
    actions.register_action(CREATE_ACTION, "Share link created", "Share link created")
    actions.register_action(REVOKE_ACTION, "Share link revoked", "Share link revoked")


@hooks.register("register_admin_urls")
def share_admin_urls():
    return [path("reports/shares/", reports.share_report_view, name="shares_report")]


@hooks.register("register_reports_menu_item")
def share_report_menu_item():
    return PermissionMenuItem(
        "Share links",
        reverse("shares_report"),
        name="share-links",
        icon_name="link",
        order=330,
        allowed=oversees_shares,
    )
