from django.urls import URLPattern, path, re_path

from orchestre.api.errors import unknown_endpoint
from orchestre.api.http import api_view
from orchestre.api.v1 import api

# Named so that this module has no `app_name` of its own: the API's namespace is ninja's.
ninja_patterns, ninja_app_name, ninja_namespace = api.urls
for pattern in ninja_patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = api_view(pattern.callback)

urlpatterns = [
    path("", (ninja_patterns, ninja_app_name, ninja_namespace)),
    re_path(r"^(?P<path>.*)$", api_view(unknown_endpoint)),
]
