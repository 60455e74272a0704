"""The back office, one section per domain; inside i18n_patterns (French at /console/,
English under /en/console/)."""

from django.urls import path

from orchestre.console import (
    audit_views,
    auth_urls,
    catalog_urls,
    fulfilment_urls,
    orders_views,
    returns_urls,
    stock_urls,
    support_urls,
    team_views,
    views,
)

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("orders/", orders_views.orders, name="orders"),
    path("orders/<str:number>/", orders_views.order, name="order"),
    path("orders/<str:number>/cancel/", orders_views.cancel, name="order_cancel"),
    path("team/", team_views.team, name="team"),
    path("team/<int:user_id>/", team_views.member, name="team_member"),
    path("team/permissions/", team_views.permissions, name="permissions"),
    path("team/api-tokens/", team_views.api_tokens, name="api_tokens"),
    path("team/api-tokens/<int:token_id>/revoke/", team_views.revoke_token, name="revoke_token"),
    path("audit-log/", audit_views.audit_log, name="audit_log"),
]
urlpatterns += (
    auth_urls.urlpatterns
    + fulfilment_urls.urlpatterns
    + stock_urls.urlpatterns
    + returns_urls.urlpatterns
    + support_urls.urlpatterns
    + catalog_urls.urlpatterns
)
