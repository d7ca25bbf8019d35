"""Forgotten passwords: one reset flow by e-mail for reps and staff.

Django's own views and tokens (a link that works once, for
``PASSWORD_RESET_TIMEOUT``), with Concord's pages, links built from
``WAGTAILADMIN_BASE_URL`` (never from the request's Host header, which a visitor
controls), and a throttle on requests: :data:`PER_ADDRESS` per network address and
:data:`PER_EMAIL` per e-mail address an hour, then a 429. The page says the same
whether or not the address has an account.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy

PER_ADDRESS = 10
PER_EMAIL = 3
WINDOW = 60 * 60  # seconds


def _over_limit(key, limit):
    cache.add(key, 0, WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        count = 1
    return count > limit


class RequestReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        address = request.META.get("REMOTE_ADDR", "")
        email = request.POST.get("email", "").strip().lower()
        # Hashed: a short, safe cache key whatever was typed, and no address in the cache.
        email_key = hashlib.sha256(email.encode(errors="replace")).hexdigest()
        if _over_limit(f"password-reset:ip:{address}", PER_ADDRESS) or (
            email and _over_limit(f"password-reset:email:{email_key}", PER_EMAIL)
        ):
            return TemplateResponse(
                request,
                "accounts/password_reset_throttled.html",
                {"minutes": WINDOW // 60},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            token_generator=self.token_generator,
            from_email=settings.DEFAULT_FROM_EMAIL,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            extra_email_context={"site_name": "Concord"},
        )
        return HttpResponseRedirect(self.get_success_url())


def urls():
    return [
        path("accounts/password/reset/", RequestReset.as_view(), name="password_reset"),
        path(
            "accounts/password/reset/sent/",
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            ),
            name="password_reset_done",
        ),
        path(
            "accounts/password/reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("password_reset_complete"),
            ),
            name="password_reset_confirm",
        ),
        path(
            "accounts/password/reset/done/",
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            ),
            name="password_reset_complete",
        ),
    ]
