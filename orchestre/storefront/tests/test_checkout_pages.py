"""The one-page checkout in the shop, with and without htmx. Messages are checked on the
English pages (their source text) and the legal wording of the order button in French."""

import pytest

from orchestre.cart.models import Cart
from orchestre.cart.tests.factories import CartFactory, CartLineFactory
from orchestre.inventory.models import StockLevel
from orchestre.orders.models import Order
from orchestre.shipping.offer import install_default_offer
from orchestre.storefront.tests.test_cart_pages import text_of, use_cart

HTMX = {"HX-Request": "true"}


@pytest.fixture
def cart(shop, client):
    """A guest cart with 2 hearts (2.95 €) and 1 lantern (3.75 €), in the visitor's browser."""
    install_default_offer()
    cart = CartFactory()
    CartLineFactory(cart=cart, product=shop.heart, quantity=2)
    CartLineFactory(cart=cart, product=shop.lantern, quantity=1)
    use_cart(client, cart)
    return cart


def form_data(**changes) -> dict:
    data = {
        "idempotency_key": "page-key-000001",
        "email": "marie@example.fr",
        "shipping-first_name": "Marie",
        "shipping-last_name": "Curie",
        "shipping-line1": "12 rue de la Paix",
        "shipping-postcode": "75002",
        "shipping-city": "Paris",
        "shipping-country": "FR",
        "billing_same": "on",
        "billing-country": "FR",
        "delivery_method": "colissimo-home",
        "payment_token": "tok_success",
        "accept_terms": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_shows_every_step_the_summary_and_the_legal_button(client, cart):
    response = client.get("/en/checkout/")

    text = text_of(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    for heading in ("1. Contact", "2. Shipping address", "3. Delivery", "4. Your order"):
        assert heading in text
    assert "Order with obligation to pay" in text
    # 2 × 2.95 + 3.75 = 9.65 of goods; home delivery below 60 € costs 5.90 (≤ 0.5 kg band
    # is not enough for 3 × 500 g, so the ≤ 2 kg band: 8.90).
    assert "9.65" in text
    assert "Total incl. VAT €18.55" in text
    assert "of which VAT at 20 %" in text


def test_the_french_page_words_the_button_as_the_law_requires(client, cart):
    response = client.get("/checkout/")

    assert "Commander avec obligation de paiement" in response.content.decode()


def test_a_shopper_orders_on_the_page_and_lands_on_the_order(client, cart, shop):
    response = client.post("/en/checkout/", form_data())

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/order/{order.access_token}/"
    assert order.status == "paid"
    assert (order.email, order.shipping_address["postcode"]) == ("marie@example.fr", "75002")
    assert order.billing_address == order.shipping_address
    assert Cart.objects.get(pk=cart.pk).status == "completed"
    assert StockLevel.objects.get(product=shop.heart).quantity == 38


def test_invalid_details_are_shown_next_to_their_fields_and_nothing_is_ordered(client, cart):
    response = client.post(
        "/en/checkout/", form_data(**{"shipping-postcode": "7500", "accept_terms": None})
    )

    text = text_of(response)
    assert response.status_code == 400
    assert "French postcode" in text
    assert 'aria-invalid="true"' in response.content.decode()
    assert Order.objects.count() == 0
    assert Cart.objects.get(pk=cart.pk).status == "open"


def test_missing_terms_are_refused_with_their_own_message(client, cart):
    response = client.post("/en/checkout/", form_data(accept_terms=None))

    assert response.status_code == 400
    assert "You must accept the terms of sale." in text_of(response)
    assert Order.objects.count() == 0


def test_a_declined_card_keeps_the_shopper_on_the_page_with_a_clear_reason(client, cart):
    response = client.post("/en/checkout/", form_data(payment_token="tok_decline"))

    assert response.status_code == 402
    assert "declined" in text_of(response).lower()
    assert Order.objects.get().status == "cancelled"
    assert Cart.objects.get(pk=cart.pk).status == "open"
    retry = client.post("/en/checkout/", form_data(idempotency_key="page-key-000002"))
    assert retry.status_code == 302
    assert Order.objects.filter(status="paid").count() == 1


def test_3d_secure_sends_the_shopper_to_the_bank_page(client, cart):
    response = client.post("/en/checkout/", form_data(payment_token="tok_3ds"))

    assert response.status_code == 302
    challenge = client.get(response["Location"])
    assert challenge.status_code == 200
    assert Order.objects.get().status == "awaiting_payment"


def test_a_double_submit_places_one_order(client, cart):
    first = client.post("/en/checkout/", form_data())
    second = client.post("/en/checkout/", form_data())

    assert first.status_code == 302
    assert second.status_code == 302  # the cart is ordered: back to the (empty) cart
    assert Order.objects.count() == 1


def test_delivery_choices_follow_the_country_typed(client, cart):
    response = client.post(
        "/en/checkout/delivery-options/",
        form_data(**{"shipping-country": "BE", "shipping-postcode": "1000", "delivery_method": ""}),
        headers=HTMX,
    )

    text = text_of(response)
    assert response.status_code == 200
    assert "Colissimo Europe" in text
    assert "Chronopost" not in text


def test_without_javascript_the_refresh_button_updates_the_choices(client, cart):
    response = client.post(
        "/en/checkout/",
        form_data(
            **{"shipping-country": "DE", "shipping-postcode": "10115", "action": "refresh-delivery"}
        ),
    )

    assert response.status_code == 200
    assert "Colissimo Europe" in text_of(response)
    assert Order.objects.count() == 0


def test_an_empty_cart_goes_back_to_the_cart_page(client, db):
    response = client.get("/en/checkout/")

    assert (response.status_code, response["Location"]) == (302, "/en/cart/")


def test_the_page_costs_a_fixed_number_of_queries(client, cart, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/en/checkout/")
    assert response.status_code == 200


def test_an_account_created_at_checkout_owns_the_order(client, cart):
    response = client.post(
        "/en/checkout/", form_data(create_account="on", account_password="Lanterne-2026!")
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert order.user.email == "marie@example.fr"
    assert order.user.check_password("Lanterne-2026!")
    signed_in = client.post(
        "/en/account/sign-in/",
        {"email": "marie@example.fr", "password": "Lanterne-2026!"},
    )
    assert signed_in.status_code == 302
    assert order.number in client.get("/en/account/orders/").content.decode()


def test_a_weak_password_or_a_taken_e_mail_is_refused_and_nothing_is_ordered(client, cart):
    from orchestre.users.models import User

    weak = client.post("/en/checkout/", form_data(create_account="on", account_password="1234"))
    User.objects.create_user(username="marie", email="marie@example.fr", password="x-Secret-99")
    taken = client.post(
        "/en/checkout/",
        form_data(
            create_account="on", account_password="Lanterne-2026!", idempotency_key="page-key-3"
        ),
    )

    assert weak.status_code == 400
    assert "password" in text_of(weak).lower()
    assert taken.status_code == 409
    assert "already exists" in text_of(taken)
    assert Order.objects.count() == 0
    assert Cart.objects.get(pk=cart.pk).status == "open"
