"""The roles of an e-commerce team (DESIGN.md, Roles), kept as data."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    works_on: str


ROLES = (
    Role("digital-manager", _("Digital manager"), _("Strategy, budget, suppliers, dashboards")),
    Role("ecommerce-manager", _("E-commerce manager"), _("Objectives, KPIs, plan, risks, launch")),
    Role("business-analyst", _("E-commerce expert / business analyst"), _("Specification")),
    Role("marketing-manager", _("Marketing manager"), _("Promotions, vouchers, campaigns, SEO")),
    Role("content-editor", _("Content team"), _("Product pages, CMS pages, navigation")),
    Role("developer-tester", _("Developer / tester"), _("QA scenarios, bugs, integrations")),
    Role("logistics-manager", _("Logistics manager"), _("Pick, pack, ship, carriers")),
    Role("inventory-manager", _("Inventory manager"), _("Stock, receipts, counts, reorder")),
    Role("customer-service", _("Customer service"), _("Tickets, customer 360, returns")),
)
STAFF_ROLE_CODES = tuple(role.code for role in ROLES)
