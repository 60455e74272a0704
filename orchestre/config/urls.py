from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("api/v1/", include("orchestre.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# French at /, English under /en/: one URL per language, so pages cache and index cleanly.
# The storefront comes before the catch-all SEO routes: its pages are the hot path, and
# every include tried in vain before it costs a failed sub-resolution per request.
urlpatterns += i18n_patterns(
    path("console/", include("orchestre.console.urls")),
    path("", include("orchestre.storefront.urls")),
    prefix_default_language=False,
)
urlpatterns += [path("", include("orchestre.storefront.seo_urls"))]

if not settings.PRODUCTION:
    # The embedded setup serves uploaded product images itself; in production the web
    # server in front serves MEDIA_ROOT (docs/configuration.md).
    urlpatterns.insert(
        0,
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    )
