"""Concord's roles: the Django groups and what each may do.

The groups are created by a data migration (``cms/migrations/0002``) so every
installation has them; ``sync_role_permissions`` (run after every ``migrate``) gives
them exactly the permissions below. This module is the one place that names them.

No role is ever given a ``publish_*`` permission or page "publish": content goes live
only through the review workflow (``reviews``), whose finish action publishes.
"""

MARKETERS = "Marketers"
COMPLIANCE = "Compliance reviewers"
# Review by function, in parallel with compliance where a review route requires it
# (``reviews``): clinical accuracy and legal soundness.
CLINICAL = "Clinical reviewers"
LEGAL = "Legal reviewers"
SALES_REPS = "Sales reps"

REVIEWER_ROLES = (COMPLIANCE, CLINICAL, LEGAL)
ALL_ROLES = (MARKETERS, *REVIEWER_ROLES, SALES_REPS)
STAFF_ROLES = (MARKETERS, *REVIEWER_ROLES)
LIBRARY_ROLES = (SALES_REPS, MARKETERS, *REVIEWER_ROLES)

# Model permissions per role: "app_label.codename". Codenames of models that don't
# exist (yet) are skipped, so apps can add theirs here as they grow.
MODEL_PERMISSIONS = {
    MARKETERS: {
        "wagtailadmin.access_admin",
        # reviews: the "due for re-review" and "expiring soon" reports (owners re-review).
        "reviews.view_approvalrecord",
        "cms.add_approvedmessage",
        "cms.change_approvedmessage",
        "cms.delete_approvedmessage",
        "cms.lock_approvedmessage",
        "cms.unlock_approvedmessage",
        "assets.add_objection",
        "assets.change_objection",
        "assets.lock_objection",
        "assets.unlock_objection",
        "assets.view_usageevent",
        "assets.view_contentrequest",
        "assets.change_contentrequest",
        "glossary.add_glossaryterm",
        "glossary.change_glossaryterm",
        "glossary.delete_glossaryterm",
        "glossary.lock_glossaryterm",
        "glossary.unlock_glossaryterm",
        "glossary.view_terminology_reports",
    },
    COMPLIANCE: {
        "wagtailadmin.access_admin",
        "assets.view_objection",
        "assets.view_usageevent",
        "assets.view_contentrequest",
        "reviews.view_approvalrecord",
        # reviews: the audit trail report and its CSV/XLSX export.
        "reviews.view_reviewevent",
        "glossary.view_glossaryterm",
        "glossary.view_terminology_reports",
    },
    SALES_REPS: set(),
}
# Clinical and legal reviewers see what compliance reviewers see, except the audit
# trail's report, which stays with compliance.
for _role in (CLINICAL, LEGAL):
    MODEL_PERMISSIONS[_role] = MODEL_PERMISSIONS[COMPLIANCE] - {"reviews.view_reviewevent"}

# Document and image permissions, granted on the root collection.
COLLECTION_PERMISSIONS = {
    MARKETERS: {
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
    },
    COMPLIANCE: {"wagtaildocs.choose_document", "wagtailimages.choose_image"},
    CLINICAL: {"wagtaildocs.choose_document", "wagtailimages.choose_image"},
    LEGAL: {"wagtaildocs.choose_document", "wagtailimages.choose_image"},
    SALES_REPS: set(),
}

# Page permissions, granted on every site's root page (covers the public site and the
# library). Never "publish".
PAGE_PERMISSIONS = {
    MARKETERS: {"wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.lock_page"},
    COMPLIANCE: set(),
    CLINICAL: set(),
    LEGAL: set(),
    SALES_REPS: set(),
}


def group_names(user):
    """The user's group names (one query; per-request code uses ``request.viewer``)."""
    if not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True))


def is_staff_editor(user):
    return user.is_authenticated and (
        user.is_superuser or bool(group_names(user) & set(STAFF_ROLES))
    )


def can_use_library(user):
    return user.is_authenticated and (
        user.is_superuser or bool(group_names(user) & set(LIBRARY_ROLES))
    )


def _permissions(names):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if not names:
        return []
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def sync_role_permissions(using="default"):
    """Give each role exactly its permissions. Idempotent; safe on every migrate."""
    from django.contrib.auth.models import Group

    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Site

    root_collection = Collection.get_first_root_node()
    site_roots = [site.root_page for site in Site.objects.select_related("root_page")]
    for name in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(MODEL_PERMISSIONS[name]))

        wanted = _permissions(COLLECTION_PERMISSIONS[name])
        GroupCollectionPermission.objects.filter(group=group).exclude(
            permission__in=wanted
        ).delete()
        if root_collection is not None:
            for permission in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )

        wanted = _permissions(PAGE_PERMISSIONS[name])
        GroupPagePermission.objects.filter(group=group).exclude(permission__in=wanted).delete()
        for root in site_roots:
            for permission in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
