"""The home page of each role: panels of what it must act on now. A panel shows to whoever
has its action, so a member with several roles sees every panel that concerns them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from orchestre.console import sales_panel
from orchestre.team.permissions import Action, can


@dataclass(frozen=True)
class Panel:
    action: str
    template: str
    context: Callable[[HttpRequest], dict]


PANELS = (Panel(Action.VIEW_SALES, "console/home/_sales.html", sales_panel.home_panel),)


def panels_for(request: HttpRequest) -> list[dict]:
    return [
        {"template": panel.template, **panel.context(request)}
        for panel in PANELS
        if can(request.user, panel.action)
    ]
