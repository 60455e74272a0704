"""One order's whole life in a real browser, each step by the role whose job it is: a guest
buys, logistics picks, packs and ships, the carrier delivers, the guest withdraws from the
contract, customer service authorises, receives, restocks and refunds. At the end the stock,
the ledger and the money reconcile, and every console page passes axe-core."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from orchestre.inventory.models import StockLevel, StockMovement
from orchestre.orders.models import Order
from orchestre.payments.models import Payment
from orchestre.returns.models import CreditNote, ReturnRequest
from orchestre.shipping.carriers import CarrierEvent
from orchestre.shipping.models import Shipment
from orchestre.shipping.services import record_tracking_events
from orchestre.storefront.tests.browser_support import axe_violations, open_page
from orchestre.storefront.tests.conftest import browser, shop  # noqa: F401 (fixtures)
from orchestre.storefront.tests.test_browser_checkout import (
    add_hearts_and_go_to_checkout,
    fill_details,
    htmx_settled,
    offer,  # noqa: F401 (fixture)
)
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.browser
PASSWORD = "Staff-pass-2026!"


def sign_in(browser, base_url: str, username: str):  # noqa: F811 (the browser fixture)
    page = open_page(browser)
    page.goto(base_url + "/en/console/sign-in/")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/en/console/")
    return page


def test_order_pick_pack_ship_withdraw_return_refund(browser, live_server, shop, offer):  # noqa: F811
    base = live_server.url
    on_hand_before = shop.heart.stock_levels.aggregate(units=Sum("quantity"))["units"]

    # A guest buys two hearts, delivered to a relay point: the cheapest standard delivery,
    # so a full withdrawal gives back every cent (the law caps the delivery refund there).
    guest = open_page(browser)
    add_hearts_and_go_to_checkout(guest, base)
    fill_details(guest)
    htmx_settled(guest)
    guest.locator("#delivery-mondial-relay").check()
    htmx_settled(guest)
    guest.locator("#accept-terms").check()
    guest.locator("button.place-order").click()
    guest.wait_for_url(f"{base}/en/order/**")
    order_page = guest.url
    order = Order.objects.get()
    assert order.status == "paid"

    # Logistics: pick, pack by SKU, ship.
    logistics = sign_in(browser, base, staff_member("logistics-manager").username)
    logistics.get_by_role("link", name="Fulfilment").click()
    assert axe_violations(logistics) == [], "orders to prepare"
    logistics.get_by_label(f"Select order {order.number}").check()
    logistics.get_by_role("button", name="Start picking the selected orders").click()
    logistics.wait_for_url("**/shipments/?status=to_pick")
    logistics.locator("main table a[href*='/fulfilment/shipments/']").first.click()
    logistics.get_by_role("button", name="Confirm the picking").click()
    logistics.get_by_label("SKU scanned or typed").fill(shop.heart.sku)
    logistics.get_by_label("Units").fill("2")
    logistics.get_by_role("button", name="Check").click()
    logistics.get_by_text("Every item is checked: the parcel is packed.").wait_for()
    assert axe_violations(logistics) == [], "packing"
    logistics.get_by_role("button", name="Ship the parcel").click()
    logistics.get_by_text("Shipped", exact=False).first.wait_for()
    shipment = Shipment.objects.get()
    assert (shipment.status, Order.objects.get().status) == ("shipped", "shipped")
    assert shipment.tracking_number

    # The carrier reports the delivery (the one third party here, its webhook's effect).
    record_tracking_events(
        tracking_number=shipment.tracking_number,
        events=[
            CarrierEvent(
                external_id=f"{shipment.tracking_number}-4",
                code="delivered",
                occurred_at=timezone.now(),
                description="Delivered",
            )
        ],
    )
    assert Order.objects.get().status == "delivered"

    # The guest withdraws from the contract from the order page.
    guest.goto(order_page)
    guest.get_by_role("link", name="Withdraw from the contract").click()
    assert axe_violations(guest) == [], "withdrawal"
    guest.get_by_role("button", name="Review my withdrawal").click()
    guest.get_by_role("button", name="Confirm the withdrawal").click()
    guest.get_by_text("RT-", exact=False).first.wait_for()
    request = ReturnRequest.objects.get()

    # Customer service authorises, receives, restocks and refunds.
    service = sign_in(browser, base, staff_member("customer-service").username)
    service.goto(f"{base}/en/console/returns/{request.number}/")
    service.get_by_role("button", name="Authorise the return").click()
    service.get_by_role("button", name="Record the parcel as received").click()
    service.get_by_role("button", name="Record the inspection").click()
    assert axe_violations(service) == [], "return"
    service.get_by_role("button", name="Refund through the payment provider").click()
    service.get_by_text("AV-", exact=False).first.wait_for()

    # Everything reconciles.
    order = Order.objects.get()
    payment = Payment.objects.get(reference=order.number)
    credit_note = CreditNote.objects.get()
    assert order.status == "refunded"
    assert payment.amount_refunded == payment.amount == order.total
    assert Decimal(credit_note.totals["total"]) == order.total
    assert shop.heart.stock_levels.aggregate(units=Sum("quantity"))["units"] == on_hand_before
    # The test shop's stock was set without a ledger; what the flow moved nets to zero.
    assert StockMovement.objects.aggregate(units=Sum("quantity"))["units"] == 0
    assert StockLevel.objects.filter(reserved__gt=0).count() == 0
    assert list(
        StockMovement.objects.filter(product=shop.heart)
        .order_by("pk")
        .values_list("kind", "quantity")
    )[-2:] == [("sale", -2), ("return", 2)]
    for page in (guest, logistics, service):
        assert page.failures == []
        page.context.close()
