"""Parcels for the demo: the first demo order delivered (so its withdrawal and return can be
tried), the second shipped, the others waiting to be prepared."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from orchestre.orders.models import Order
from orchestre.shipping import services
from orchestre.shipping.carriers import CarrierEvent
from orchestre.shipping.models import Shipment

DELIVERED, SHIPPED = 0, 1


def seed_fulfilment_demo() -> str:
    if Shipment.objects.exists():
        return "Parcels already present."
    orders = list(
        Order.objects.filter(source=Order.Source.WEB, status=Order.Status.PAID).order_by("pk")[:2]
    )
    if len(orders) < 2:
        return "No paid web orders to ship."
    clerk = get_user_model().objects.filter(username="logistics-manager").first()
    for index, order in enumerate(orders):
        (shipment,) = services.start_picking(order_ids=[order.pk], actor=clerk)
        services.confirm_pick(shipment_id=shipment.pk, actor=clerk)
        scans = [(line.sku, line.quantity - line.missing) for line in shipment.lines.all()]
        services.check_items(shipment_id=shipment.pk, scans=scans, actor=clerk)
        shipment = services.ship_shipment(shipment_id=shipment.pk, actor=clerk)
        if index == DELIVERED:
            services.record_tracking_events(
                tracking_number=shipment.tracking_number,
                events=[
                    CarrierEvent(
                        external_id=f"{shipment.tracking_number}-demo-delivered",
                        code="delivered",
                        occurred_at=timezone.now(),
                        description="Delivered to the recipient",
                    )
                ],
            )
    return f"Parcels: {orders[0].number} delivered, {orders[1].number} shipped."
