"""Returns for the demo, made through the real services from orders already delivered, so
customer service and the warehouse have returns at each step: one withdrawal to
authorise, one parcel awaited, one inspected and waiting for its refund."""

from orchestre.inventory.models import Warehouse
from orchestre.orders.models import Order
from orchestre.returns.models import ReturnRequest
from orchestre.returns.services import (
    Inspection,
    authorise_return,
    inspect_return,
    receive_return,
    request_withdrawal,
)


def seed_returns_demo() -> str:
    """Once: withdraw from up to three delivered web orders and move them along. Does
    nothing when returns exist, or when no web order is delivered yet (say so)."""
    if ReturnRequest.objects.exists():
        return "Returns already present."
    orders = list(
        Order.objects.filter(source=Order.Source.WEB, status=Order.Status.DELIVERED)
        .prefetch_related("lines")
        .order_by("placed_at", "pk")[:3]
    )
    warehouse = Warehouse.objects.order_by("priority", "pk").first()
    if not orders or warehouse is None:
        return "No delivered web order yet: no demo return made."
    made = []
    for step, order in enumerate(orders):
        lines = order.product_lines
        request = request_withdrawal(
            order_id=order.pk,
            quantities={lines[0].pk: lines[0].quantity},
            reason="Ne correspond pas à la photo" if step else "",
        )
        if step >= 1:
            authorise_return(return_id=request.pk, actor=None)
        if step == 2:
            returned = list(request.lines.all())
            receive_return(
                return_id=request.pk,
                received={line.pk: line.quantity for line in returned},
                actor=None,
            )
            inspect_return(
                return_id=request.pk,
                decisions={line.pk: Inspection(line.quantity, 0) for line in returned},
                warehouse_id=warehouse.pk,
                actor=None,
            )
        made.append(request.number)
    return f"{len(made)} demo returns: {', '.join(made)}."
