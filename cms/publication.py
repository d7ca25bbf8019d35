"""Published, current and visible: the one home of the rule every reader applies.

Two questions, asked by the library, its API and PDFs, public pages, the glossary, the
terminology gate and the reports:

* **Is this approved and current?** Live, stamped by the review workflow
  (``approval_code`` set), not expired, and not past its review-by date.
  :func:`current_q` is the rule as a query, :func:`current` applies it to a queryset,
  :func:`is_current` to one object in memory (``ApprovalStampMixin.is_current`` too).
* **May this viewer see it?** A :class:`Viewer` is who is asking, built once per
  request (or once per background job with :meth:`Viewer.sales_rep`) and passed along:
  superuser or not, groups, the page-privacy paths they don't pass and the document
  collections they may not download from. It mirrors Wagtail's own checks
  (``PageViewRestriction.accept_request``, ``CollectionViewRestriction``) for listings,
  where Wagtail applies none.
"""

from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from wagtail.models import CollectionViewRestriction, PageViewRestriction

from cms import roles

# The currency rule ----------------------------------------------------------------------


def current_q(*, on=None):
    """Approved and current, as a ``Q`` for any model with the approval stamp."""
    on = on or timezone.localdate()
    return Q(live=True, expired=False, review_by__gte=on) & ~Q(approval_code="")


def current(queryset, *, on=None):
    """``queryset`` narrowed to what is approved and current (``current_q``)."""
    return queryset.filter(current_q(on=on))


def is_current(obj, *, on=None):
    """Whether ``obj`` (in memory) is approved and current; ``None`` is not."""
    if obj is None:
        return False
    on = on or timezone.localdate()
    return bool(
        getattr(obj, "live", False)
        and not getattr(obj, "expired", False)
        and getattr(obj, "approval_code", "")
        and obj.review_by is not None
        and obj.review_by >= on
    )


# Who is looking -------------------------------------------------------------------------


class Viewer:
    """Who is asking, as far as visibility goes. Build it once and pass it along.

    ``user`` is kept for what only a person has (a name on a call pack); nothing is
    stored on it. Each fact costs at most one query, the first time it is asked.
    """

    def __init__(self, *, user=None, is_authenticated, is_superuser, group_names):
        self.user = user
        self.is_authenticated = is_authenticated
        self.is_superuser = is_superuser
        self.group_names = frozenset(group_names)

    def __repr__(self):
        who = "superuser" if self.is_superuser else ",".join(sorted(self.group_names)) or "-"
        return f"<Viewer {getattr(self.user, 'username', '') or 'anonymous'} ({who})>"

    @classmethod
    def of(cls, user):
        """The viewer for ``user`` (a user, or already a viewer such as ``request.viewer``)."""
        if isinstance(user, Viewer):
            return user
        if user is None or not user.is_authenticated:
            return cls.anonymous()
        return cls(
            user=user,
            is_authenticated=True,
            is_superuser=user.is_superuser,
            group_names=user.groups.values_list("name", flat=True),
        )

    @classmethod
    def anonymous(cls):
        return cls(is_authenticated=False, is_superuser=False, group_names=())

    @classmethod
    def sales_rep(cls):
        """Any member of the sales reps group: for background work done on reps' behalf."""
        return cls(is_authenticated=True, is_superuser=False, group_names=[roles.SALES_REPS])

    # Roles -------------------------------------------------------------------------

    @property
    def can_use_library(self):
        return self.is_authenticated and (
            self.is_superuser or bool(self.group_names & set(roles.LIBRARY_ROLES))
        )

    @property
    def is_staff_editor(self):
        return self.is_authenticated and (
            self.is_superuser or bool(self.group_names & set(roles.STAFF_ROLES))
        )

    @property
    def can_withdraw(self):
        """Compliance reviewers and admins take live content out of use."""
        return self.is_authenticated and (self.is_superuser or roles.COMPLIANCE in self.group_names)

    @property
    def audience(self):
        """Who the answer is for, for cache keys: all superusers look alike, and so do
        all users with the same groups."""
        if not self.is_authenticated:
            return "anonymous"
        if self.is_superuser:
            return "superuser"
        return "|".join(sorted(self.group_names))

    # Page privacy ------------------------------------------------------------------

    @cached_property
    def hidden_paths(self):
        """Tree paths of page-privacy restrictions this viewer doesn't pass (one query).

        Group restrictions let members and superusers through, login restrictions any
        signed-in user; password restrictions can't be passed from a listing, so their
        pages are never listed.
        """
        rows = PageViewRestriction.objects.values_list(
            "pk", "page__path", "restriction_type", "groups__name"
        )
        restrictions, groups = {}, {}
        for pk, path, kind, group_name in rows:
            restrictions[pk] = (path, kind)
            if group_name:
                groups.setdefault(pk, set()).add(group_name)
        hidden = []
        for pk, (path, kind) in restrictions.items():
            if kind == PageViewRestriction.NONE:
                continue
            if kind == PageViewRestriction.LOGIN and self.is_authenticated:
                continue
            if kind == PageViewRestriction.GROUPS and (
                self.is_superuser or groups.get(pk, set()) & self.group_names
            ):
                continue
            hidden.append(path)
        hidden = sorted(set(hidden))
        # Paths inside another hidden path add nothing.
        return tuple(
            path for path in hidden if not any(path != p and path.startswith(p) for p in hidden)
        )

    def may_see_page(self, page):
        return not any(page.path.startswith(path) for path in self.hidden_paths)

    def visible_pages(self, queryset):
        for path in self.hidden_paths:
            queryset = queryset.exclude(path__startswith=path)
        return queryset

    # Collection privacy --------------------------------------------------------------

    @cached_property
    def denied_collection_paths(self):
        """Paths of document collections this viewer may not download from (one query)."""
        if self.is_superuser:
            return ()
        denied = set()
        restrictions = CollectionViewRestriction.objects.select_related(
            "collection"
        ).prefetch_related("groups")
        for restriction in restrictions:
            if restriction.restriction_type == CollectionViewRestriction.LOGIN:
                allowed = self.is_authenticated
            elif restriction.restriction_type == CollectionViewRestriction.GROUPS:
                allowed = bool(
                    {group.name for group in restriction.groups.all()} & self.group_names
                )
            else:
                allowed = restriction.restriction_type == CollectionViewRestriction.NONE
            if not allowed:
                denied.add(restriction.collection.path)
        return tuple(sorted(denied))

    def may_download_from(self, collection):
        return not any(collection.path.startswith(path) for path in self.denied_collection_paths)


def viewer_of(request):
    """``request.viewer``, or a viewer built now for a request that skipped the
    middleware (a ``RequestFactory`` request, a preview request)."""
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        viewer = Viewer.of(getattr(request, "user", None))
    return viewer


class ViewerMiddleware:
    """``request.viewer``: the request's :class:`Viewer`, built on first use, once.

    Like ``request.user`` (``AuthenticationMiddleware``, which must come first): a lazy
    value every view, selector and cache key of the request shares.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.functional import SimpleLazyObject

        request.viewer = SimpleLazyObject(lambda: Viewer.of(request.user))
        return self.get_response(request)
