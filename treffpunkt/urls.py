from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .media import serve_media
from .unavailable import health

handler500 = "treffpunkt.unavailable.server_error"

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    # Before congress: "registrations/import/" would match the registration detail route.
    path("api/v1/", include("accounts.api_urls")),
    path("api/v1/", include("privacy.api_urls")),
    path("api/v1/", include("matchmaking.urls")),
    path("api/v1/", include("backoffice.urls")),
    path("api/v1/", include("congress.urls")),
    path("api/v1/", include("expo.urls")),
    path("api/v1/", include("conversations.urls")),
    path("api/v1/", include("notifications.api_urls")),
    path("api/v1/", include("stage.urls")),
    path("api/v1/", include("accessibility.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("accounts/", include("allauth.urls")),
    # Before web: allauth's log-in serves /login/ (`web:login` keeps pointing there).
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("backoffice.web_urls")),
    path("", include("privacy.urls")),
    path("", include("web.urls")),
]
