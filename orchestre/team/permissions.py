"""The permission matrix: which role may do which action (DESIGN.md, Roles), kept as data.

Each action is a Django permission (`team.<code>`) and each role a group; after every
`migrate` (and every test database flush) the groups' permissions are set to exactly this
matrix, so the matrix here is the one source of truth, shown in the console and tested cell
by cell."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ActionInfo:
    code: str
    label: str


class Action:
    VIEW_ORDERS = "view_orders"
    MANAGE_ORDERS = "manage_orders"
    FULFIL_ORDERS = "fulfil_orders"
    VIEW_STOCK = "view_stock"
    MANAGE_STOCK = "manage_stock"
    MANAGE_RETURNS = "manage_returns"
    REFUND_PAYMENTS = "refund_payments"
    VIEW_CUSTOMERS = "view_customers"
    MANAGE_TICKETS = "manage_tickets"
    GOODWILL = "goodwill"
    EDIT_CATALOG = "edit_catalog"
    EDIT_PRICES = "edit_prices"
    VIEW_SALES = "view_sales"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_TEAM = "manage_team"
    MANAGE_API_TOKENS = "manage_api_tokens"


ACTIONS = (
    ActionInfo(Action.VIEW_ORDERS, _("See orders")),
    ActionInfo(Action.MANAGE_ORDERS, _("Change and cancel orders")),
    ActionInfo(Action.FULFIL_ORDERS, _("Pick, pack and ship orders")),
    ActionInfo(Action.VIEW_STOCK, _("See stock")),
    ActionInfo(Action.MANAGE_STOCK, _("Receive, count, adjust and transfer stock")),
    ActionInfo(Action.MANAGE_RETURNS, _("Authorise, receive and inspect returns")),
    ActionInfo(Action.REFUND_PAYMENTS, _("Refund payments")),
    ActionInfo(Action.VIEW_CUSTOMERS, _("See customers (360 view)")),
    ActionInfo(Action.MANAGE_TICKETS, _("Answer customer tickets")),
    ActionInfo(Action.GOODWILL, _("Goodwill gestures (refund a line, resend an item)")),
    ActionInfo(Action.EDIT_CATALOG, _("Edit products, categories and images")),
    ActionInfo(Action.EDIT_PRICES, _("Change prices")),
    ActionInfo(Action.VIEW_SALES, _("See sales figures")),
    ActionInfo(Action.VIEW_AUDIT_LOG, _("Read the audit log")),
    ActionInfo(Action.MANAGE_TEAM, _("Manage staff accounts and roles")),
    ActionInfo(Action.MANAGE_API_TOKENS, _("Issue and revoke API tokens")),
)
ACTION_CODES = tuple(action.code for action in ACTIONS)

A = Action
MATRIX: dict[str, frozenset[str]] = {
    "digital-manager": frozenset(
        {A.VIEW_ORDERS, A.VIEW_STOCK, A.VIEW_CUSTOMERS, A.VIEW_SALES, A.VIEW_AUDIT_LOG}
        | {A.MANAGE_TEAM}
    ),
    "ecommerce-manager": frozenset(
        {A.VIEW_ORDERS, A.MANAGE_ORDERS, A.VIEW_STOCK, A.VIEW_CUSTOMERS, A.VIEW_SALES}
        | {A.EDIT_CATALOG, A.EDIT_PRICES, A.REFUND_PAYMENTS, A.VIEW_AUDIT_LOG, A.MANAGE_TEAM}
    ),
    "business-analyst": frozenset({A.VIEW_ORDERS, A.VIEW_STOCK, A.VIEW_SALES}),
    "marketing-manager": frozenset({A.VIEW_SALES, A.EDIT_CATALOG, A.EDIT_PRICES}),
    "content-editor": frozenset({A.EDIT_CATALOG}),
    "developer-tester": frozenset(
        {A.VIEW_ORDERS, A.VIEW_STOCK, A.VIEW_AUDIT_LOG, A.MANAGE_API_TOKENS}
    ),
    "logistics-manager": frozenset(
        {A.VIEW_ORDERS, A.FULFIL_ORDERS, A.VIEW_STOCK, A.MANAGE_RETURNS}
    ),
    "inventory-manager": frozenset({A.VIEW_ORDERS, A.VIEW_STOCK, A.MANAGE_STOCK, A.MANAGE_RETURNS}),
    "customer-service": frozenset(
        {A.VIEW_ORDERS, A.MANAGE_ORDERS, A.VIEW_CUSTOMERS, A.MANAGE_TICKETS}
        | {A.MANAGE_RETURNS, A.REFUND_PAYMENTS, A.GOODWILL}
    ),
}


def can(user, action: str) -> bool:
    """Whether `user` may do `action`: active staff whose roles grant it, or a superuser.
    Django's backend caches the user's permissions, so asking repeatedly costs one query."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.has_perm(f"team.{action}")


def allowed_actions(user) -> set[str]:
    return {code for code in ACTION_CODES if can(user, code)}
