from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from assets import api as assets_api
from cms import media, openapi, passwords, views
from shares import urls as shares_urls

# Any unhandled error: a 503 page when the database is down, the 500 page otherwise.
handler500 = "cms.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *passwords.urls(),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/schema/", openapi.schema_view, name="api_schema"),
    path("api/v1/library/", assets_api.library, name="library_api"),
    path("api/v1/calls/", assets_api.calls, name="calls_api"),
    path("api/v1/shares/", include((shares_urls.api_urlpatterns, "shares_api"))),
    path("shares/", include(shares_urls)),
    # What buyers open from a rep's e-mail: no sign-in, nothing else of Concord.
    path("s/", include((shares_urls.buyer_urlpatterns, "buyer"))),
]

# Image files, with their collection's privacy, in every environment (never Django's
# static() view or a proxy alias of MEDIA_ROOT: those would serve restricted documents
# and internal images to anyone). Documents are served by /documents/ only.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve, name="concord_media")
    ]

# Wagtail's page serving comes last: it matches everything. Its pattern only takes
# paths of slash-ended words, so the library's call pack (/library/pack.pdf) gets its
# own pattern into the same view (page privacy and routing still apply).
urlpatterns += [
    re_path(r"^((?:[\w\-]+/)+pack\.pdf)/?$", wagtail_views.serve, name="library_pack_pdf"),
    path("", include(wagtail_urls)),
]
