"""Proofs under concurrency: real buyers in threads against the production server
(gunicorn, two processes of eight threads) on the test database, SQLite or PostgreSQL."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db.models import Sum

from orchestre.checkout.tests.live_shop import ShopClient, live_shop
from orchestre.inventory.models import StockLevel, StockMovement
from orchestre.inventory.tests.factories import WarehouseFactory, stocked_product
from orchestre.orders.models import Invoice, Order
from orchestre.payments.models import Payment
from orchestre.pricing.tests.factories import PriceFactory
from orchestre.shipping.models import DeliveryMethod
from orchestre.shipping.offer import install_default_offer

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def home_delivery() -> str:
    install_default_offer()  # emptied by any earlier test that truncates the tables
    return DeliveryMethod.objects.get(code="colissimo-home").code


def product_in_stock(sku: str, *levels: int, price: str = "9.90"):
    warehouses = [
        WarehouseFactory(code=f"w{index}", name=f"Warehouse {index}", city="Paris", priority=index)
        for index in range(len(levels))
    ]
    product = stocked_product(*zip(warehouses, levels, strict=True), sku=sku)
    PriceFactory(product=product, amount=Decimal(price))
    return product


def run_all(count: int, task, *, workers: int):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(task, range(count)))


def test_flash_sale_sells_exactly_the_stock_to_500_concurrent_buyers():
    product = product_in_stock("FLASH1", 60, 40)
    delivery = home_delivery()
    with live_shop() as base_url:
        client = ShopClient(base_url)
        carts = run_all(
            500,
            lambda n: client.ready_cart("FLASH1", 1, f"buyer{n}@example.fr", delivery),
            workers=32,
        )
        start = threading.Barrier(500)

        def buy(n: int):
            start.wait()
            return client.complete(carts[n], key=f"flash-{n}-{uuid.uuid4().hex}")

        answers = run_all(500, buy, workers=500)

    statuses = sorted({answer.status for answer in answers})
    assert statuses == [201, 409], statuses
    assert sum(answer.status == 201 for answer in answers) == 100
    refused = [answer.body for answer in answers if answer.status == 409]
    assert {body["code"] for body in refused} == {"insufficient_stock"}
    assert all("FLASH1" in body["fields"] for body in refused)
    assert Order.objects.filter(status="paid").count() == 100
    assert Order.objects.exclude(status="paid").count() == 0
    assert Payment.objects.filter(status="succeeded").count() == 100
    levels = StockLevel.objects.filter(product=product)
    assert levels.aggregate(Sum("quantity"), Sum("reserved")) == {
        "quantity__sum": 0,
        "reserved__sum": 0,
    }
    assert StockMovement.objects.filter(product=product).aggregate(Sum("quantity")) == {
        "quantity__sum": 0
    }


def test_one_cart_with_the_same_sku_added_many_times_cannot_take_more_than_the_stock():
    product_in_stock("SCARCE", 3, 2)
    delivery = home_delivery()
    with live_shop() as base_url:
        client = ShopClient(base_url)
        cart_id = client.ready_cart("SCARCE", 1, "same@example.fr", delivery)
        adds = run_all(
            12,
            lambda n: client.request(
                "POST", f"/api/v1/carts/{cart_id}/lines", {"sku": "SCARCE", "quantity": 1}
            ),
            workers=12,
        )
        cart = client.request("GET", f"/api/v1/carts/{cart_id}")
        order = client.complete(cart_id, key=f"scarce-{uuid.uuid4().hex}")

    assert sorted(answer.status for answer in adds) == [201] * 4 + [409] * 8
    assert [line["quantity"] for line in cart.body["lines"]] == [5]
    assert order.status == 201, order
    assert [line["quantity"] for line in order.body["lines"]] == [5]
    assert StockLevel.objects.aggregate(Sum("quantity"))["quantity__sum"] == 0


def test_the_same_idempotency_key_sent_20_times_at_once_makes_one_order_and_one_charge():
    product_in_stock("KEY1", 50)
    delivery = home_delivery()
    with live_shop() as base_url:
        client = ShopClient(base_url)
        cart_id = client.ready_cart("KEY1", 2, "twenty@example.fr", delivery)
        key = f"double-{uuid.uuid4().hex}"
        start = threading.Barrier(20)

        def submit(n: int):
            start.wait()
            return client.complete(cart_id, key=key)

        answers = run_all(20, submit, workers=20)

    assert [answer.status for answer in answers] == [201] * 20, answers
    assert {answer.body["number"] for answer in answers} == {Order.objects.get().number}
    assert Payment.objects.count() == 1
    assert Payment.objects.get().status == "succeeded"
    assert StockLevel.objects.get().quantity == 48


def test_200_concurrent_orders_get_unique_gapless_invoice_numbers():
    for index in range(4):
        product_in_stock(f"GAP{index}", 100)
    delivery = home_delivery()
    with live_shop() as base_url:
        client = ShopClient(base_url)
        carts = run_all(
            200,
            lambda n: client.ready_cart(f"GAP{n % 4}", 1, f"gap{n}@example.fr", delivery),
            workers=32,
        )
        start = threading.Barrier(200)

        def buy(n: int):
            start.wait()
            return client.complete(carts[n], key=f"gap-{n}-{uuid.uuid4().hex}")

        answers = run_all(200, buy, workers=200)

    assert [answer.status for answer in answers] == [201] * 200
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 200
    serials = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert serials == list(range(1, 201))
