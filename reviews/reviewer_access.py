"""Wagtail's own preview, compare and history, for the reviewers of an item in review.

Reviewers have no edit permission (no role may change what it approves), and Wagtail
checks edit permission in the editor's preview panel (``…/edit/preview/``), "Compare
with live/previous version", a revision's preview and the history: a reviewer got a
redirect or "Sorry, you do not have permission". The review task lets them open the
editor (``ComplianceApprovalTask.user_can_access_editor``); these read-only views
follow the same rule.

:class:`ReviewerAccessMiddleware` recognises those views by URL name, for pages and
for every snippet viewset. When the signed-in user reviews the object at its open
review step (``reviews.workspace.review_for``: a member of a group the step requires)
and Wagtail's own check would refuse them, it serves the same Wagtail view with only
the edit-permission check left out. Anyone else — a reviewer of another step, a
reviewer when nothing is waiting, a sales rep — gets Wagtail's view and Wagtail's
answer (a redirect with "Sorry, you do not have permission", or 403). Nothing that
changes content is opened: revert, unschedule, lock and the edit view keep Wagtail's
checks.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from wagtail.admin.views.generic.models import RevisionsCompareView
from wagtail.admin.views.generic.preview import PreviewRevision
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page

from cms.reviewable import reviewable_models, specific

# The read-only views, by URL name (pages) or by the end of it (snippets).
PAGE_VIEWS = {
    "preview_on_edit",
    "revisions_compare",
    "revisions_view",
    "history",
    "history_results",
}
SNIPPET_VIEWS = PAGE_VIEWS


class _ForReviewers:
    """Wagtail's view without its edit-permission check; the middleware has checked
    that the user reviews the object."""

    permission_required = None
    any_permission_required = None

    def user_has_permission_for_instance(self, permission, instance):
        if permission is None:  # the check left out (snippet preview's ``get_object``)
            return True
        return super().user_has_permission_for_instance(permission, instance)


class _PagePreview(_ForReviewers):
    def get_object(self):
        return get_object_or_404(
            Page.objects.select_related("latest_revision"), id=self.kwargs["page_id"]
        ).get_latest_revision_as_object()


class _PageCompare(_ForReviewers):
    def dispatch(self, request, *args, **kwargs):
        # Past the page view's "any page permission" decorator.
        return RevisionsCompareView.dispatch(self, request, *args, **kwargs)

    def get_object(self, queryset=None):
        return get_object_or_404(Page, id=self.pk).specific


class _PageRevision(_ForReviewers):
    def dispatch(self, request, *args, **kwargs):
        return PreviewRevision.dispatch(self, request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(Page, id=self.pk).specific


class _PageHistory(_ForReviewers):
    def get_object(self):
        return get_object_or_404(Page, id=self.pk).specific


# What replaces each page view's own permission check.
PAGE_MIXINS = {
    "preview_on_edit": _PagePreview,
    "revisions_compare": _PageCompare,
    "revisions_view": _PageRevision,
    "history": _PageHistory,
    "history_results": _PageHistory,
}
_classes = {}


def _for_reviewers(view_class, mixin):
    """The page type's or snippet viewset's own view class (it may be customised),
    without the edit-permission check."""
    key = (view_class, mixin)
    if key not in _classes:
        _classes[key] = type(f"{view_class.__name__}ForReviewers", (mixin, view_class), {})
    return _classes[key]


def _target(match, view_func, view_kwargs):
    """``(object, view)`` when this request is one of the read-only views of reviewed
    content, else ``None``; ``view`` is the view function for reviewers."""
    if match is None or not match.url_name:
        return None
    name = match.url_name
    if match.namespace == "wagtailadmin_pages":
        page_id = view_kwargs.get("page_id", view_kwargs.get("pk"))
        if name not in PAGE_MIXINS or page_id is None:
            return None
        page = Page.objects.filter(pk=page_id).first()
        if page is None or type(specific(page)) not in reviewable_models():
            return None
        own = page_viewset_registry.get_by_page_id(page_id).get_view_by_name(name)
        view_class = _for_reviewers(own.view_class, PAGE_MIXINS[name])
        return specific(page), view_class.as_view(**own.view_initkwargs)
    if not match.namespace.startswith("wagtailsnippets_") or name not in SNIPPET_VIEWS:
        return None
    view_class = getattr(view_func, "view_class", None)
    initkwargs = getattr(view_func, "view_initkwargs", None) or {}
    model = initkwargs.get("model")
    pk = view_kwargs.get("pk")
    if view_class is None or model not in reviewable_models() or pk is None:
        return None
    obj = model._default_manager.filter(pk=unquote(str(pk))).first()
    if obj is None:
        return None
    return specific(obj), _for_reviewers(view_class, _ForReviewers).as_view(**initkwargs)


def reviews_it_now(obj, user):
    """Whether ``user`` reviews ``obj`` at its open review step (superusers need no
    help: Wagtail lets them in)."""
    from reviews.workspace import review_for

    if not user.is_authenticated or user.is_superuser:
        return False
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    try:
        review_for(obj, user)
    except PermissionDenied:
        return False
    return True


class ReviewerAccessMiddleware:
    """Serves Wagtail's read-only preview, compare and history views to the reviewers
    of an item in review (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        target = _target(getattr(request, "resolver_match", None), view_func, view_kwargs)
        if target is None:
            return None
        obj, view = target
        if not reviews_it_now(obj, request.user):
            return None  # Wagtail's own view, with its own answer
        return view(request, *view_args, **view_kwargs)
