"""The console's menu: each entry shows only to staff whose roles allow its action."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orchestre.team.permissions import Action, can


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    action: str | None


ENTRIES = (
    Entry("console:home", _("Home"), None),
    Entry("console:orders", _("Orders"), Action.VIEW_ORDERS),
    Entry("console:fulfilment", _("Fulfilment"), Action.FULFIL_ORDERS),
    Entry("console:stock", _("Stock"), Action.VIEW_STOCK),
    Entry("console:returns", _("Returns"), Action.MANAGE_RETURNS),
    Entry("console:tickets", _("Tickets"), Action.MANAGE_TICKETS),
    Entry("console:customers", _("Customers"), Action.VIEW_CUSTOMERS),
    Entry("console:catalog", _("Catalogue"), Action.EDIT_CATALOG),
    Entry("console:team", _("Team"), None),
    Entry("console:permissions", _("Permissions"), None),
    Entry("console:audit_log", _("Audit log"), Action.VIEW_AUDIT_LOG),
    Entry("console:api_tokens", _("API tokens"), Action.MANAGE_API_TOKENS),
)


def menu_for(request) -> list[dict]:
    current = request.path
    items = []
    for entry in ENTRIES:
        if entry.action is not None and not can(request.user, entry.action):
            continue
        url = reverse(entry.url_name)
        is_current = current == url if entry.url_name == "console:home" else current.startswith(url)
        items.append({"url": url, "label": entry.label, "current": is_current})
    return items
