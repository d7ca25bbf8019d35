"""Concord's own middleware.

``ContentSecurityPolicyMiddleware`` is listed in ``cms/settings/production.py`` (see
docs/security.md). Sign-in throttling is django-axes (``cms/logins.py``).
"""

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
