"""The home page of each role: panels of what it must act on now. A panel shows to whoever
has its action, so a member with several roles sees every panel that concerns them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from orchestre.console import (
    audit_views,
    catalog_views,
    fulfilment_views,
    returns_views,
    sales_panel,
    stock_views,
    support_views,
)
from orchestre.team.permissions import Action, can


@dataclass(frozen=True)
class Panel:
    action: str
    template: str
    context: Callable[[HttpRequest], dict]


PANELS = (
    Panel(Action.FULFIL_ORDERS, "console/fulfilment/_home_panel.html", fulfilment_views.home_panel),
    Panel(Action.MANAGE_STOCK, "console/stock/_home_panel.html", stock_views.home_panel),
    Panel(Action.MANAGE_TICKETS, "console/support/_home_panel.html", support_views.home_panel),
    Panel(Action.MANAGE_RETURNS, "console/returns/_home_panel.html", returns_views.home_panel),
    Panel(Action.EDIT_CATALOG, "console/catalog/_home_panel.html", catalog_views.home_panel),
    Panel(Action.VIEW_SALES, "console/home/_sales.html", sales_panel.home_panel),
    Panel(Action.VIEW_AUDIT_LOG, "console/audit/_home_panel.html", audit_views.home_panel),
)


def panels_for(request: HttpRequest) -> list[str]:
    """The rendered panels the member's roles call for, in the order above."""
    return [
        render_to_string(panel.template, panel.context(request), request=request)
        for panel in PANELS
        if can(request.user, panel.action)
    ]
