"""The only place the returns lock rows. Callers hold a transaction."""

from orchestre.orders.models import Order
from orchestre.returns.errors import UnknownReturn
from orchestre.returns.models import ReturnRequest


def lock_order(order_id: int) -> Order | None:
    """The order's row, locked so that concurrent withdrawals from one order queue and
    never return more units than were bought."""
    return Order.objects.select_for_update().filter(pk=order_id).first()


def lock_return(return_id: int) -> ReturnRequest:
    """The return's row, locked until commit, with its order. Raises UnknownReturn."""
    found = (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("order")
        .filter(pk=return_id)
        .first()
    )
    if found is None:
        raise UnknownReturn()
    return found
