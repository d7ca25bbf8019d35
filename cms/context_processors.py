from cms import roles


def concord(request):
    """Role flags for the site templates (navigation differs for reps and staff)."""
    user = getattr(request, "user", None)
    return {
        "is_library_user": bool(user and roles.can_use_library(user)),
        "is_staff_editor": bool(user and roles.is_staff_editor(user)),
    }
