"""Reps who open the admin are sent to their library.

Wagtail answers a signed-in user without admin access with its own sign-in page and
"You do not have permission to access the admin" — a dead end for a sales rep who
followed an old link. :class:`LibraryUsersToTheLibrary` sends such a user (a GET to
any ``/admin/`` URL) to the rep library with a message saying why. Posting to the admin
sign-in stays possible, so someone can switch to a staff account.
"""

from django.contrib import messages
from django.shortcuts import redirect

ADMIN_PREFIX = "/admin/"
MOVED_ON = (
    "The admin is for marketing and compliance staff, so you are in the library instead. "
    "To use a staff account, sign out first."
)


class LibraryUsersToTheLibrary:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(ADMIN_PREFIX):
            target = self._library_for(request)
            if target:
                messages.info(request, MOVED_ON)
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _library_for(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user.has_perm("wagtailadmin.access_admin"):
            return None
        from cms.publication import viewer_of

        if not viewer_of(request).can_use_library:
            return None
        from assets.models import LibraryIndexPage

        library = LibraryIndexPage.objects.live().first()
        return library.get_url(request=request) if library else None
