"""`{% order_returns order as returns %}` for the order page's withdrawal panel: the
window, the order's returns and whether units are left (at most three queries)."""

from django import template

from orchestre.returns.selectors import OrderReturns
from orchestre.returns.selectors import order_returns as read_order_returns

register = template.Library()


@register.simple_tag
def order_returns(order) -> OrderReturns | None:
    # Nothing to withdraw from before the payment: no panel, no query.
    if not order.access_token or order.paid_at is None:
        return None
    return read_order_returns(order)
