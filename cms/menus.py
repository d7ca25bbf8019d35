"""One admin menu item for every report Concord adds: shown only to who may open it."""

from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown when ``allowed(user)`` says so (the view checks again).

    ``allowed``: a function of the user, e.g. ``lambda user: user.has_perm("app.view_x")``
    or a permission policy's ``user_has_any_permission`` with its actions bound.
    """

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return bool(self.allowed(request.user))


def has_perm(permission):
    """``allowed`` for one Django permission."""
    return lambda user: user.has_perm(permission)


def policy_allows(policy, actions):
    """``allowed`` for a Wagtail permission policy and any of ``actions``."""
    return lambda user: policy.user_has_any_permission(user, actions)
