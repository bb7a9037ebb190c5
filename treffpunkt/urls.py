from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from .media import serve_media
from .ratelimit import RateLimitThrottle


class LoginRateThrottle(RateLimitThrottle):
    limit = "login"


class ObtainToken(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; send it as `Authorization: Token …`."""

    throttle_classes = [LoginRateThrottle]


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("api/v1/", include("matchmaking.urls")),
    path("api/v1/", include("congress.urls")),
    path("api/v1/", include("expo.urls")),
    path("api/v1/", include("conversations.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("", include("web.urls")),
]
