"""Production middleware: login throttling and a content security policy.

Both are listed in ``cms/settings/production.py`` (see docs/security.md).
"""

from django.conf import settings
from django.shortcuts import render

from cms import security

# The public site and the library: no inline script or style, nothing from elsewhere.
PUBLIC_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

# Wagtail's admin needs inline scripts and styles (its templates and widgets use
# them), blob:/data: images (upload previews), Gravatar avatars, and same-origin
# frames (live preview).
ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://www.gravatar.com",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def login_paths():
    return set(getattr(settings, "LOGIN_THROTTLE_PATHS", ("/accounts/login/", "/admin/login/")))


class LoginThrottleMiddleware:
    """Answer 429 to sign-in attempts for a (username, IP) with too many recent failures.

    Failures are counted by ``cms.security`` from Django's ``user_login_failed`` signal,
    so every form that authenticates (the site's and the admin's) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in login_paths():
            username = request.POST.get("username", "")
            if security.login_blocked(username=username, ip=security.client_ip(request)):
                _limit, window = security.throttle_settings()
                response = render(request, "429.html", {"minutes": window // 60}, status=429)
                response["Retry-After"] = str(window)
                return response
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Set ``Content-Security-Policy``: strict for the site, relaxed for ``/admin/``.

    A response that already has a policy keeps it (Wagtail's document view sets one
    for documents). Server errors are left alone: ``500.html`` stands alone with an
    inline style.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response or response.status_code >= 500:
            return response
        admin = request.path.startswith("/admin/")
        response["Content-Security-Policy"] = ADMIN_POLICY if admin else PUBLIC_POLICY
        return response
