from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled

from .media import serve_media
from .ratelimit import check_login, request_ip
from .unavailable import health


class ObtainToken(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}; send it as `Authorization: Token …`.

    Throttled with the web log-in form (``ratelimit.check_login``): 429 with ``Retry-After``.
    """

    throttle_classes = []

    def post(self, request, *args, **kwargs):
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        verdict = check_login(request_ip(request), username)
        if not verdict.allowed:
            raise Throttled(wait=verdict.retry_after)
        return super().post(request, *args, **kwargs)


handler500 = "treffpunkt.unavailable.server_error"

urlpatterns = [
    path("health/", health, name="health"),
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
