"""The shipment workflow: parcels, partial shipments, back-orders, packing, shipping and
delivery, and the order's status following them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.orders.models import Order
from orchestre.shipping import carriers
from orchestre.shipping.errors import (
    InvalidQuantities,
    OrderNotShippable,
    ShipmentNotInStatus,
    WrongItem,
)
from orchestre.shipping.models import Shipment, ShipmentLine, TrackingEvent
from orchestre.shipping.selectors import (
    get_pick_list,
    list_back_orders,
    list_orders_to_prepare,
    list_shipments_for_orders,
)
from orchestre.shipping.services import (
    cancel_shipment,
    check_item,
    confirm_pick,
    create_shipment,
    poll_carrier_tracking,
    record_tracking_events,
    ship_shipment,
    start_picking,
)
from orchestre.shipping.tests.factories import paid_order, product_line_ids
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def packer():
    return staff_member("logistics-manager")


def test_a_partial_shipment_starts_the_preparation(packer):
    order = paid_order()
    lines = product_line_ids(order)

    shipment = create_shipment(order_id=order.pk, quantities={lines["85123A"]: 1}, actor=packer)

    assert shipment.status == "to_pick"
    assert shipment.number.startswith("EX-")
    assert [(line.sku, line.quantity) for line in shipment.lines.all()] == [("85123A", 1)]
    assert Order.objects.get(pk=order.pk).status == "in_preparation"
    entry = AuditEntry.objects.get(action="shipment.created")
    assert (entry.actor, entry.changes) == (packer, {"lines": {"85123A": 1}})


def test_shipping_more_than_ordered_minus_shipped_is_refused(packer):
    order = paid_order()
    lines = product_line_ids(order)
    create_shipment(order_id=order.pk, quantities={lines["85123A"]: 1}, actor=packer)

    with pytest.raises(InvalidQuantities) as error:
        create_shipment(
            order_id=order.pk,
            quantities={lines["85123A"]: 2, lines["37370"]: 1},
            actor=packer,
        )

    assert error.value.fields == {
        str(lines["85123A"]): [
            "Only 1 of the 2 units of 85123A ordered are left to ship; the others are "
            "already in parcels."
        ]
    }
    assert Shipment.objects.count() == 1
    assert ShipmentLine.objects.count() == 1


def test_bad_quantities_change_nothing(packer):
    order = paid_order()
    other = paid_order()
    lines = product_line_ids(order)

    with pytest.raises(InvalidQuantities) as error:
        create_shipment(
            order_id=order.pk,
            quantities={product_line_ids(other)["37370"]: 1, lines["37370"]: -1},
            actor=packer,
        )
    with pytest.raises(InvalidQuantities) as nothing:
        create_shipment(order_id=order.pk, quantities={lines["37370"]: 0}, actor=packer)

    assert error.value.fields == {
        str(product_line_ids(other)["37370"]): [
            f"This line is not a product of order {order.number}."
        ],
        str(lines["37370"]): ["Enter a whole number of units, 0 or more."],
    }
    assert nothing.value.message == "Choose at least one unit to ship."
    assert Shipment.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert AuditEntry.objects.count() == 0


def test_an_unpaid_order_cannot_be_prepared(packer):
    from orchestre.orders.tests.factories import place_test_order

    paid_order()
    order = place_test_order()

    with pytest.raises(OrderNotShippable) as error:
        start_picking(order_ids=[order.pk], actor=packer)

    assert error.value.message == (
        f"Order {order.number} is “Awaiting payment”: it cannot be prepared."
    )
    assert Shipment.objects.count() == 0


def test_order_to_delivery_with_a_back_order(packer, django_capture_on_commit_callbacks):
    order = paid_order(language="en")
    lines = product_line_ids(order)
    assert [row.number for row in list_orders_to_prepare()] == [order.number]

    (first,) = start_picking(order_ids=[order.pk], actor=packer)
    pick_list = get_pick_list(order_ids=[order.pk])
    assert [(row.sku, row.units) for row in pick_list.rows] == [
        ("22988", 1),
        ("37370", 1),
        ("85123A", 2),
    ]

    # The picker finds only one of the two hearts: the other is back-ordered.
    confirm_pick(shipment_id=first.pk, missing={lines["85123A"]: 1}, actor=packer)
    (back_order,) = list_back_orders()
    assert (back_order.sku, back_order.missing, back_order.left) == ("85123A", 1, 1)

    with pytest.raises(WrongItem) as wrong:
        check_item(shipment_id=first.pk, sku="99999", actor=packer)
    assert wrong.value.message == f"99999 is not in parcel {first.number}: check the item."
    check_item(shipment_id=first.pk, sku="85123a", actor=packer)
    with pytest.raises(WrongItem) as too_many:
        check_item(shipment_id=first.pk, sku="85123A", actor=packer)
    assert too_many.value.message == (
        "Too many units of 85123A: the parcel holds 1 and 1 are already checked."
    )
    check_item(shipment_id=first.pk, sku="37370", actor=packer)
    packed = check_item(shipment_id=first.pk, sku="22988", actor=packer)
    assert packed.status == "packed"

    with django_capture_on_commit_callbacks(execute=True):
        shipped = ship_shipment(shipment_id=first.pk, actor=packer)

    assert shipped.status == "shipped"
    assert shipped.carrier == "Colissimo"  # the delivery method's carrier
    assert shipped.tracking_number.startswith("SBX")
    assert shipped.tracking_url.endswith(f"/{shipped.tracking_number}/")
    # One heart is still to come: the order stays in preparation.
    assert Order.objects.get(pk=order.pk).status == "in_preparation"
    email = OutboxMessage.objects.get(key=f"shipment-shipped:{first.number}")
    assert email.payload["subject"] == f"Your order {order.number} is on its way"
    assert shipped.tracking_url in email.payload["text_body"]
    assert shipped.tracking_url in email.payload["html_body"]

    (second,) = start_picking(order_ids=[order.pk], actor=packer)
    assert [(line.sku, line.quantity) for line in second.lines.all()] == [("85123A", 1)]
    check_item(shipment_id=second.pk, sku="85123A", actor=packer)
    ship_shipment(shipment_id=second.pk, actor=packer)
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert list_back_orders() == []
    assert list(list_orders_to_prepare()) == []

    # The carrier reports both parcels delivered later.
    later = timezone.now() + timedelta(days=1)
    for shipment in Shipment.objects.all():
        record_tracking_events(
            tracking_number=shipment.tracking_number,
            events=carriers.track(shipment.tracking_number, now=later),
        )
    assert Order.objects.get(pk=order.pk).status == "delivered"
    assert set(Shipment.objects.values_list("status", flat=True)) == {"delivered"}
    assert TrackingEvent.objects.count() == 8
    assert len(mail.outbox) >= 1


def test_a_parcel_ships_only_once_packed(packer):
    order = paid_order()
    (shipment,) = start_picking(order_ids=[order.pk], actor=packer)

    with pytest.raises(ShipmentNotInStatus) as error:
        ship_shipment(shipment_id=shipment.pk, actor=packer)

    assert error.value.message == f"Shipment {shipment.number} is “To pick”: it cannot be shipped."
    assert Shipment.objects.get(pk=shipment.pk).tracking_number == ""


def test_a_cancelled_parcel_gives_its_units_back(packer):
    order = paid_order()
    lines = product_line_ids(order)
    (shipment,) = start_picking(order_ids=[order.pk], actor=packer)

    cancel_shipment(shipment_id=shipment.pk, actor=packer, reason="Damaged box")

    assert Shipment.objects.get(pk=shipment.pk).status == "cancelled"
    again = create_shipment(order_id=order.pk, quantities={lines["85123A"]: 2}, actor=packer)
    assert again.status == "to_pick"


def test_the_poll_records_each_event_once(packer):
    order = paid_order()
    (shipment,) = start_picking(order_ids=[order.pk], actor=packer)
    check_item(shipment_id=shipment.pk, sku="85123A", quantity=2, actor=packer)
    check_item(shipment_id=shipment.pk, sku="37370", actor=packer)
    check_item(shipment_id=shipment.pk, sku="22988", actor=packer)
    ship_shipment(shipment_id=shipment.pk, actor=packer)

    assert poll_carrier_tracking() == 1
    assert poll_carrier_tracking() == 0
    assert list(TrackingEvent.objects.values_list("code", flat=True)) == ["label_created"]


def test_shipments_for_orders_in_three_queries(packer, django_assert_num_queries):
    orders = [paid_order(), paid_order()]
    for order in orders:
        start_picking(order_ids=[order.pk], actor=packer)

    with django_assert_num_queries(3):
        shipments = list_shipments_for_orders([order.pk for order in orders])
        skus = [[line.sku for line in shipment.lines.all()] for shipment in shipments]
        events = [list(shipment.events.all()) for shipment in shipments]

    assert skus == [["85123A", "37370", "22988"]] * 2
    assert events == [[], []]


def test_the_carrier_signature_is_checked():
    body = carriers.webhook_body("SBX1", [])
    header = carriers.sign(body)

    assert carriers.verify(body, header)
    assert not carriers.verify(body + b" ", header)
    assert not carriers.verify(body, header, now=timezone.now().timestamp() + 3600)
    assert not carriers.verify(body, "garbage")


def test_the_email_is_in_the_order_language(packer):
    order = paid_order(language="fr")
    (shipment,) = start_picking(order_ids=[order.pk], actor=packer)
    check_item(shipment_id=shipment.pk, sku="85123A", quantity=2, actor=packer)
    check_item(shipment_id=shipment.pk, sku="37370", actor=packer)
    check_item(shipment_id=shipment.pk, sku="22988", actor=packer)

    with translation.override("en"):
        ship_shipment(shipment_id=shipment.pk, actor=packer)

    email = OutboxMessage.objects.get(key=f"shipment-shipped:{shipment.number}")
    # The French wording comes with the catalogue; the page is marked as French already.
    assert '<html lang="fr">' in email.payload["html_body"]


def test_the_order_page_shows_the_tracking_link(client, packer):
    order = paid_order()
    (shipment,) = start_picking(order_ids=[order.pk], actor=packer)
    check_item(shipment_id=shipment.pk, sku="85123A", quantity=2, actor=packer)
    check_item(shipment_id=shipment.pk, sku="37370", actor=packer)
    check_item(shipment_id=shipment.pk, sku="22988", actor=packer)
    shipped = ship_shipment(shipment_id=shipment.pk, actor=packer)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/order/{order.access_token}/")

    # The parcels cost the page one query, whatever their number.
    assert sum('FROM "shipping_shipment"' in q["sql"] for q in queries) == 1
    assert f'href="{shipped.tracking_url}"' in response.content.decode()
    assert shipped.number in response.content.decode()
