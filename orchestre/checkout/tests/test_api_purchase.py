"""The guest purchase path through the API, in process: every step, every refusal."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from orchestre.cart.models import Cart
from orchestre.checkout.models import CheckoutAttempt
from orchestre.checkout.tests.live_shop import ADDRESS
from orchestre.inventory.models import Reservation, StockLevel
from orchestre.inventory.tests.factories import WarehouseFactory, stocked_product
from orchestre.orders.models import Invoice, Order
from orchestre.payments.models import Payment
from orchestre.pricing.tests.factories import PriceFactory
from orchestre.shipping.models import DeliveryMethod
from orchestre.shipping.offer import install_default_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    class Api:
        def call(self, method, path, body=None, **headers):
            response = getattr(client, method)(
                "/api/v1" + path,
                data=json.dumps(body) if body is not None else None,
                content_type="application/json",
                headers=headers,
            )
            return response.status_code, response.json()

    return Api()


@pytest.fixture
def heart():
    product = stocked_product((WarehouseFactory(code="paris", priority=0), 10), sku="HEART1")
    PriceFactory(product=product, amount=Decimal("2.95"))
    return product


@pytest.fixture
def home_delivery() -> DeliveryMethod:
    install_default_offer()  # emptied by any earlier test that truncates the tables
    return DeliveryMethod.objects.get(code="colissimo-home")


def ready_cart(api, sku="HEART1", quantity=3, delivery_method=None) -> str:
    status, cart = api.call("post", "/carts", {})
    assert status == 201
    status, body = api.call(
        "post", f"/carts/{cart['id']}/lines", {"sku": sku, "quantity": quantity}
    )
    assert status == 201, body
    status, body = api.call(
        "patch",
        f"/carts/{cart['id']}",
        {
            "email": "Marie@Example.fr",
            "shipping_address": ADDRESS,
            "delivery_method": delivery_method,
        },
    )
    assert status == 200, body
    return cart["id"]


def complete(api, cart_id, token="tok_success", key=None, **extra):
    body = {"payment": {"provider": "sandbox", "token": token}, "accept_terms": True, **extra}
    return api.call(
        "post", f"/carts/{cart_id}/complete", body, Idempotency_Key=key or uuid.uuid4().hex
    )


def test_a_guest_buys_through_the_api(
    api, heart, home_delivery, django_capture_on_commit_callbacks
):
    cart_id = ready_cart(api, delivery_method=home_delivery.code)
    status, methods = api.call("get", f"/carts/{cart_id}/delivery-methods")
    assert status == 200
    chosen = next(method for method in methods if method["code"] == home_delivery.code)

    with django_capture_on_commit_callbacks(execute=True):
        status, order = complete(
            api, cart_id, total="0.01", lines=[{"sku": "HEART1", "price": "0.01"}]
        )

    assert status == 201, order
    assert order["status"] == "paid"
    assert order["email"] == "marie@example.fr"
    assert [(line["sku"], line["quantity"], line["amount"]) for line in order["lines"]] == [
        ("HEART1", 3, "8.85")
    ]
    expected_total = Decimal("8.85") + Decimal(chosen["price"])
    assert Decimal(order["total"]) == expected_total
    assert order["delivery"]["code"] == home_delivery.code
    assert len(order["access_token"]) >= 20
    level = StockLevel.objects.get(product=heart)
    assert (level.quantity, level.reserved) == (7, 0)
    assert Invoice.objects.filter(order__number=order["number"]).count() == 1
    assert Cart.objects.get(pk=cart_id).status == "completed"
    assert [message.to for message in mail.outbox] == [["marie@example.fr"]]
    assert order["number"] in mail.outbox[0].subject

    status, read = api.call(
        "get", f"/orders/{order['number']}", X_Order_Token=order["access_token"]
    )
    assert (status, read["number"], read["total"]) == (200, order["number"], order["total"])
    assert api.call("get", f"/orders/{order['number']}", X_Order_Token="guess")[0] == 404
    assert api.call("get", f"/orders/{order['number']}")[0] == 404


def test_the_same_key_returns_the_same_order_and_a_used_cart_refuses_a_new_key(
    api, heart, home_delivery
):
    cart_id = ready_cart(api, delivery_method=home_delivery.code)

    first = complete(api, cart_id, key="same-key-0001")
    again = complete(api, cart_id, key="same-key-0001")
    other_key = complete(api, cart_id, key="another-key-0002")

    assert first[0] == again[0] == 201
    assert first[1]["number"] == again[1]["number"]
    assert (other_key[0], other_key[1]["code"]) == (409, "cart_completed")
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


def test_a_key_used_for_another_cart_is_refused(api, heart, home_delivery):
    first_cart = ready_cart(api, quantity=1, delivery_method=home_delivery.code)
    second_cart = ready_cart(api, quantity=1, delivery_method=home_delivery.code)
    assert complete(api, first_cart, key="shared-key-01")[0] == 201

    status, body = complete(api, second_cart, key="shared-key-01")

    assert (status, body["code"]) == (409, "idempotency_key_reused")
    assert Cart.objects.get(pk=second_cart).status == "open"


def test_a_declined_card_cancels_the_order_releases_the_stock_and_reopens_the_cart(
    api, heart, home_delivery
):
    cart_id = ready_cart(api, delivery_method=home_delivery.code)

    status, body = complete(api, cart_id, token="tok_decline")

    assert (status, body["code"]) == (402, "card_declined")
    assert body["message"]
    assert Order.objects.get().status == "cancelled"
    level = StockLevel.objects.get(product=heart)
    assert (level.quantity, level.reserved) == (10, 0)
    assert Cart.objects.get(pk=cart_id).status == "open"
    assert complete(api, cart_id)[0] == 201


def test_3d_secure_waits_for_the_shopper_then_settles_on_return(api, client, heart, home_delivery):
    cart_id = ready_cart(api, delivery_method=home_delivery.code)

    status, order = complete(api, cart_id, token="tok_3ds")

    assert status == 202
    assert (order["status"], order["payment"]["status"]) == ("awaiting_payment", "requires_action")
    assert StockLevel.objects.get(product=heart).reserved == 3
    challenge = order["payment"]["next_action_url"]
    approved = client.post(challenge, {"decision": "approve"})
    assert approved.status_code == 302
    back = client.get(approved["Location"])
    assert back.status_code == 302
    assert Order.objects.get().status == "paid"
    level = StockLevel.objects.get(product=heart)
    assert (level.quantity, level.reserved) == (7, 0)


def test_a_timeout_is_settled_by_the_signed_webhook(api, client, heart, home_delivery, settings):
    from orchestre.payments.services import deliver_due_sandbox_webhooks

    cart_id = ready_cart(api, delivery_method=home_delivery.code)
    status, order = complete(api, cart_id, token="tok_timeout")
    assert (status, order["payment"]["status"]) == (202, "processing")

    def transport(url, body, headers):
        return client.post(
            url.replace(settings.SHOP_URL, ""),
            body,
            content_type="application/json",
            headers=headers,
        ).status_code

    delivered = deliver_due_sandbox_webhooks(
        now=timezone.now() + timedelta(minutes=1), transport=transport
    )

    assert delivered == 1
    assert Order.objects.get().status == "paid"
    assert Payment.objects.get().status == "succeeded"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"email": "marie@"}, "invalid_details", "email"),
        (
            {"shipping_address": {**ADDRESS, "postcode": "7500"}},
            "invalid_details",
            "shipping_address.postcode",
        ),
        ({"delivery_method": "teleport"}, "invalid_details", "delivery_method"),
    ],
)
def test_invalid_details_are_refused_field_by_field_and_nothing_is_stored(
    api, heart, home_delivery, changes, code, field
):
    cart_id = ready_cart(api, delivery_method=home_delivery.code)
    before = Cart.objects.values().get(pk=cart_id)

    status, body = api.call("patch", f"/carts/{cart_id}", changes)

    assert (status, body["code"]) == (400, code)
    assert field in body["fields"]
    assert Cart.objects.values().get(pk=cart_id) == before


def test_refusals_before_payment_change_nothing(api, heart, home_delivery):
    cart_id = ready_cart(api, delivery_method=home_delivery.code)

    no_terms = complete(api, cart_id, accept_terms=False)
    no_key = api.call(
        "post",
        f"/carts/{cart_id}/complete",
        {"payment": {"provider": "sandbox", "token": "tok_success"}, "accept_terms": True},
    )
    bad_token = complete(api, cart_id, token="4242424242424242")
    unknown_cart = complete(api, str(uuid.uuid4()))

    assert (no_terms[0], no_terms[1]["code"]) == (400, "terms_not_accepted")
    assert (no_key[0], no_key[1]["code"]) == (400, "invalid_idempotency_key")
    assert (bad_token[0], bad_token[1]["code"]) == (400, "invalid_payment_token")
    assert (unknown_cart[0], unknown_cart[1]["code"]) == (404, "unknown_cart")
    assert Order.objects.count() == Payment.objects.count() == CheckoutAttempt.objects.count() == 0
    assert Cart.objects.get(pk=cart_id).status == "open"


def test_stock_gone_since_the_cart_was_filled_gives_409_and_no_order(api, heart, home_delivery):
    cart_id = ready_cart(api, quantity=3, delivery_method=home_delivery.code)
    StockLevel.objects.filter(product=heart).update(quantity=2)

    status, body = complete(api, cart_id)

    assert (status, body["code"]) == (409, "insufficient_stock")
    assert "HEART1" in body["fields"]
    assert Order.objects.count() == Reservation.objects.count() == 0
    assert Cart.objects.get(pk=cart_id).status == "open"


def test_an_incomplete_or_expired_cart_cannot_be_completed(api, heart, home_delivery):
    status, cart = api.call("post", "/carts", {})
    api.call("post", f"/carts/{cart['id']}/lines", {"sku": "HEART1", "quantity": 1})

    incomplete = complete(api, cart["id"])
    Cart.objects.filter(pk=cart["id"]).update(updated_at=timezone.now() - timedelta(days=31))
    expired = complete(api, cart["id"])

    assert (incomplete[0], incomplete[1]["code"]) == (400, "incomplete_checkout")
    assert set(incomplete[1]["fields"]) == {"email", "shipping_address", "delivery_method"}
    assert (expired[0], expired[1]["code"]) == (409, "cart_expired")
    assert Order.objects.count() == 0


def test_an_abandoned_3d_secure_checkout_is_cancelled_and_a_late_success_refunded(
    api, client, heart, home_delivery
):
    from orchestre.checkout.services import cancel_abandoned_checkouts

    cart_id = ready_cart(api, delivery_method=home_delivery.code)
    status, order = complete(api, cart_id, token="tok_3ds")
    assert status == 202

    cancelled = cancel_abandoned_checkouts(now=timezone.now() + timedelta(hours=1))

    assert cancelled == 1
    assert Order.objects.get().status == "cancelled"
    level = StockLevel.objects.get(product=heart)
    assert (level.quantity, level.reserved) == (10, 0)
    assert Cart.objects.get(pk=cart_id).status == "open"

    client.post(order["payment"]["next_action_url"], {"decision": "approve"})
    client.get(f"/checkout/return/{order['access_token']}/")

    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("succeeded", payment.amount)
    assert Order.objects.get().status == "cancelled"
    assert StockLevel.objects.get(product=heart).quantity == 10


def test_reading_an_order_costs_three_queries_whatever_its_size(
    api, heart, home_delivery, django_assert_num_queries
):
    second = stocked_product((WarehouseFactory(code="paris", priority=0), 5), sku="MUG1")
    PriceFactory(product=second, amount=Decimal("4.25"))
    cart_id = ready_cart(api, delivery_method=home_delivery.code)
    api.call("post", f"/carts/{cart_id}/lines", {"sku": "MUG1", "quantity": 2})
    status, order = complete(api, cart_id)
    assert status == 201

    # The order with its lines, then its payment.
    with django_assert_num_queries(3):
        status, read = api.call(
            "get", f"/orders/{order['number']}", X_Order_Token=order["access_token"]
        )
    assert (status, len(read["lines"])) == (200, 2)


def test_a_provider_that_refuses_the_request_leaves_the_cart_ready_to_try_again(
    api, heart, home_delivery, monkeypatch
):
    from orchestre.payments.providers import sandbox_processor

    def unavailable(**request):
        raise sandbox_processor.ProcessorError("service unavailable")

    cart_id = ready_cart(api, delivery_method=home_delivery.code)
    with monkeypatch.context() as patch:
        patch.setattr(sandbox_processor, "create_charge", unavailable)
        status, body = complete(api, cart_id, key="provider-down-1")

    assert (status, body["code"]) == (502, "payment_provider_error")
    assert Order.objects.get().status == "cancelled"
    assert StockLevel.objects.get(product=heart).reserved == 0
    assert Cart.objects.get(pk=cart_id).status == "open"
    assert complete(api, cart_id, key="provider-down-1")[0] == 201
