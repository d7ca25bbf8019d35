"""Where reviews plugs into the Wagtail admin: every hook, handed to the module that does the work.

Hooks of one name run in the order they are registered here: after an edit, the
editor's message about a submission comes first, then the reviewer's way back to the
queue.
"""

from wagtail import hooks

from reviews import (
    admin_views,
    guards,
    log_actions,
    menus,
    messages,
    panels,
    withdrawal,
    workspace,
)

hooks.register("register_log_actions", log_actions.register)

# The edit screen's messages after a submit (the gate may have sent it back at once).


@hooks.register("after_edit_page")
def page_edited(request, page):
    messages.tell_what_happened(request, page)


@hooks.register("after_create_page")
def page_created(request, page):
    messages.tell_what_happened(request, page)


@hooks.register("after_edit_snippet")
def snippet_edited(request, instance):
    messages.tell_what_happened(request, instance)


@hooks.register("after_create_snippet")
def snippet_created(request, instance):
    messages.tell_what_happened(request, instance)


# Opening the editor of something sent back: who asked for what changes.

hooks.register("before_edit_page", messages.changes_requested)
hooks.register("before_edit_snippet", messages.changes_requested)

# Action menus, and nobody publishes directly.

hooks.register("construct_page_action_menu", menus.page_action_menu)
hooks.register("construct_snippet_action_menu", menus.snippet_action_menu)
hooks.register("before_publish_page", guards.refuse_direct_publish)
hooks.register("before_publish", guards.refuse_direct_publish)
hooks.register("before_bulk_action", guards.refuse_bulk_publish)
hooks.register("before_delete_user", guards.keep_approvers)

# The reviewer's queue.


@hooks.register("after_edit_page")
def page_review_done(request, page):
    return panels.back_to_the_queue(request, page.specific)


@hooks.register("after_edit_snippet")
def snippet_review_done(request, instance):
    return panels.back_to_the_queue(request, instance)


hooks.register("construct_homepage_panels", panels.add_review_queue)

# Reports and review routes.

hooks.register("register_admin_urls", admin_views.report_urls)
hooks.register("register_admin_urls", workspace.urls)

# Compliance takes live content down: "Withdraw from use…" in the editor.

hooks.register("register_admin_urls", withdrawal.urls)
hooks.register("register_page_action_menu_item", withdrawal.page_menu_item)
hooks.register("register_snippet_action_menu_item", withdrawal.snippet_menu_item)


@hooks.register("register_reports_menu_item")
def register_audit_trail_menu_item():
    return admin_views.AUDIT_TRAIL.menu_item()


@hooks.register("register_reports_menu_item")
def register_due_menu_item():
    return admin_views.DUE_FOR_REVIEW.menu_item()


@hooks.register("register_reports_menu_item")
def register_expiring_menu_item():
    return admin_views.EXPIRING_SOON.menu_item()


@hooks.register("register_admin_viewset")
def register_review_routes():
    return admin_views.ReviewRouteViewSet("review_routes")
