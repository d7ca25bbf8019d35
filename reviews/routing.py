"""Review routes: which workflow reviews a piece of content.

Wagtail assigns a workflow by page tree (``WorkflowPage``) or snippet model
(``WorkflowContentType``). Concord routes by *audience* too, which Wagtail can't: when
a workflow starts, ``reviews.signals`` looks up the route for the submitted revision
and runs the route's workflow instead of the assigned one. A route for the content
type wins over a route for "any content"; with no route, the assigned workflow runs.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from cms.reviewable import specific
from reviews.models import ReviewRoute


def audience_of(obj):
    """``public``, ``external`` or ``internal``; content without the stamp counts as public."""
    obj = specific(obj)
    if hasattr(obj, "get_review_audience"):
        return obj.get_review_audience()
    return "public"


def route_for(obj):
    """The :class:`ReviewRoute` for ``obj`` (a live object or a revision's object), or None."""
    obj = specific(obj)
    content_type = ContentType.objects.get_for_model(obj)
    routes = (
        ReviewRoute.objects.filter(audience=audience_of(obj), workflow__active=True)
        .filter(Q(content_type=content_type) | Q(content_type__isnull=True))
        .select_related("workflow")
    )
    # The specific rule first, then the one for any content.
    return min(routes, key=lambda route: route.content_type_id is None, default=None)


def workflow_for(obj):
    """The workflow a review of ``obj`` should run: its route's, else the assigned one."""
    route = route_for(obj)
    if route is not None:
        return route.workflow
    return specific(obj).get_workflow()
