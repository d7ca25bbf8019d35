from cms.publication import viewer_of


def concord(request):
    """Role flags for the site templates (navigation differs for reps and staff)."""
    viewer = viewer_of(request)
    return {
        "is_library_user": viewer.can_use_library,
        "is_staff_editor": viewer.is_staff_editor,
        "can_withdraw": viewer.can_withdraw,
    }
