"""The cart in the shop: add to cart from the cached catalogue pages, the cart page, its
forms with and without htmx, and the header's mini-cart. Messages are checked in English
(the /en/ pages), their source text."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from orchestre.cart.models import Cart, CartLine
from orchestre.cart.tests.factories import CartFactory, CartLineFactory
from orchestre.catalog.models import Product
from orchestre.inventory.models import StockLevel
from orchestre.storefront.cart_session import COOKIE_NAME, COOKIE_SALT
from orchestre.users.models import User

HTMX = {"HX-Request": "true"}


def lines_of(cart) -> list[tuple[str, int]]:
    return list(
        CartLine.objects.filter(cart=cart).order_by("pk").values_list("product__sku", "quantity")
    )


def use_cart(client: Client, cart: Cart) -> None:
    """Give the browser the cookie of a guest cart, as adding to it would."""
    client.cookies[COOKIE_NAME] = signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT).sign(
        str(cart.pk)
    )


def text_of(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", text).replace("\u202f", " ").replace("\u00a0", " ")


def notices(response) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", notice).strip()
        for notice in re.findall(
            r'<p class="notice notice-\w+">(.*?)</p>', response.content.decode()
        )
    ]


@pytest.fixture
def guest_cart(shop):
    """A guest cart with 2 hearts (2.95 €) and 1 lantern (3.75 €)."""
    cart = CartFactory()
    CartLineFactory(cart=cart, product=shop.heart, quantity=2)
    CartLineFactory(cart=cart, product=shop.lantern, quantity=1)
    return cart


# Adding from the catalogue -------------------------------------------------------------


def test_product_page_has_an_add_to_cart_form_without_csrf_token(client, shop):
    response = client.get("/en/p/white-hanging-heart-t-light-holder/")

    content = response.content.decode()
    assert '<form class="add-to-cart" method="post" action="/en/cart/add/"' in content
    assert 'name="sku" value="85123A"' in content
    assert '<label for="add-quantity">Quantity</label>' in content
    assert "csrfmiddlewaretoken" not in content
    assert response.cookies == {}


def test_product_page_out_of_stock_has_no_add_to_cart_form(client, shop):
    response = client.get("/en/p/red-scented-candle/")

    content = response.content.decode()
    assert 'name="sku" value="72741"' not in content
    assert 'id="add-quantity"' not in content


def test_product_cards_have_an_add_button_when_in_stock(client, shop):
    response = client.get("/en/c/bougies/")

    content = response.content.decode()
    assert content.count('action="/en/cart/add/"') == 23  # 24 on the page, the candle is out
    assert '<button type="submit" aria-label="Add to cart: White Metal Lantern">' in content
    assert 'value="72741"' not in content
    assert "csrfmiddlewaretoken" not in content


def test_catalogue_pages_with_the_forms_are_still_served_from_the_cache(
    client, shop, django_assert_num_queries
):
    client.get("/en/p/white-metal-lantern/")

    with django_assert_num_queries(0):
        response = client.get("/en/p/white-metal-lantern/")

    assert 'action="/en/cart/add/"' in response.content.decode()


def test_add_to_cart_without_javascript_redirects_to_the_cart_with_a_message(shop):
    client = Client(enforce_csrf_checks=True)  # no token: the form cannot have one

    response = client.post("/en/cart/add/", {"sku": "85123A", "quantity": "2"})

    cart = Cart.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/en/cart/")
    assert response["Cache-Control"] == "private, no-store"
    assert lines_of(cart) == [("85123A", 2)]
    assert (cart.user, cart.language) == (None, "en")
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 30 * 24 * 3600
    assert cookie["path"] == "/"
    assert not cookie["secure"]
    page = client.get("/en/cart/")
    assert notices(page) == ["Added to your cart: 2 × White Hanging Heart T-Light Holder."]
    assert "White Hanging Heart T-Light Holder" in text_of(page)


def test_the_cart_cookie_is_secure_in_production(client, shop, settings):
    settings.SESSION_COOKIE_SECURE = True

    response = client.post("/en/cart/add/", {"sku": "85123A", "quantity": "1"})

    assert response.cookies[COOKIE_NAME]["secure"] is True


def test_add_to_cart_again_uses_the_same_cart(client, shop):
    client.post("/en/cart/add/", {"sku": "85123A", "quantity": "1"})
    client.post("/en/cart/add/", {"sku": "85123A", "quantity": "2"})
    client.post("/en/cart/add/", {"sku": "71053"})

    cart = Cart.objects.get()
    assert lines_of(cart) == [("85123A", 3), ("71053", 1)]


def test_add_to_cart_with_htmx_answers_a_confirmation_and_triggers_cart_changed(client, shop):
    response = client.post("/en/cart/add/", {"sku": "85123A", "quantity": "3"}, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "cart-changed"
    assert response["Cache-Control"] == "private, no-store"
    assert text_of(response).strip() == (
        "Added to your cart: 3 × White Hanging Heart T-Light Holder. View cart"
    )
    assert COOKIE_NAME in response.cookies


def test_add_to_cart_beyond_the_stock_with_htmx_shows_the_error_next_to_the_button(client, shop):
    client.post("/en/cart/add/", {"sku": "71053", "quantity": "2"})

    response = client.post("/en/cart/add/", {"sku": "71053", "quantity": "2"}, headers=HTMX)

    assert response.status_code == 409
    assert not response.has_header("HX-Trigger")
    assert text_of(response).strip() == ("Not added: Only 3 left, and your cart already holds 2.")
    assert lines_of(Cart.objects.get()) == [("71053", 2)]


def test_add_to_cart_beyond_the_stock_without_javascript(client, shop):
    response = client.post("/en/cart/add/", {"sku": "71053", "quantity": "5"}, follow=True)

    assert notices(response) == ["Error: Not added to your cart: White Metal Lantern: Only 3 left."]
    assert lines_of(Cart.objects.get()) == []


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"sku": "72741", "quantity": "1"}, 409, "Not added: Red Scented Candle is out of stock."),
        ({"sku": "NOPE", "quantity": "1"}, 404, "Not added: No product with the SKU NOPE."),
        ({"sku": "85123A", "quantity": "0"}, 400, "Not added: Enter a quantity from 1 to 99."),
        ({"sku": "85123A", "quantity": "abc"}, 400, "Not added: Enter a quantity from 1 to 99."),
        ({"sku": "85123A", "quantity": "-2"}, 400, "Not added: Enter a quantity from 1 to 99."),
        ({"sku": "85123A", "quantity": "1" * 50}, 400, "Not added: Enter a quantity from 1 to 99."),
        ({"quantity": "1"}, 404, "Not added: No product with the SKU ."),
    ],
)
def test_add_to_cart_errors(client, shop, data, status, message):
    response = client.post("/en/cart/add/", data, headers=HTMX)

    assert response.status_code == status
    assert text_of(response).strip() == message
    assert CartLine.objects.count() == 0


def test_a_price_sent_with_the_form_is_ignored(client, shop):
    client.post("/en/cart/add/", {"sku": "85123A", "quantity": "1", "price": "0.01"})

    response = client.get("/en/cart/")

    assert "€2.95" in text_of(response)
    assert "0.01" not in text_of(response)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver.evil.example"},
    ],
)
def test_add_to_cart_refuses_requests_sent_by_another_site(client, shop, headers):
    response = client.post("/en/cart/add/", {"sku": "85123A", "quantity": "1"}, headers=headers)

    assert response.status_code == 403
    assert response.content.decode() == "This form can only be sent from the shop's own pages."
    assert response.cookies == {}
    assert Cart.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_add_to_cart_accepts_the_shop_own_pages(client, shop, headers):
    response = client.post("/en/cart/add/", {"sku": "85123A", "quantity": "1"}, headers=headers)

    assert response.status_code == 302
    assert Cart.objects.count() == 1


def test_add_to_cart_accepts_a_trusted_origin(client, shop, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://shop.example"]

    response = client.post(
        "/en/cart/add/", {"sku": "85123A"}, headers={"Origin": "https://shop.example"}
    )

    assert response.status_code == 302


def test_add_to_cart_only_takes_post(client, shop):
    assert client.get("/en/cart/add/").status_code == 405


def test_a_signed_in_shopper_adds_to_their_account_cart(client, shop):
    user = User.objects.create_user(username="marie", email="marie@example.fr", password="x")
    client.force_login(user)

    response = client.post("/en/cart/add/", {"sku": "85123A", "quantity": "2"})

    cart = Cart.objects.get()
    assert cart.user == user
    assert lines_of(cart) == [("85123A", 2)]
    assert response.cookies[COOKIE_NAME].value == ""  # no guest cookie for an account


def test_adding_to_a_cart_being_ordered_says_so(client, shop, guest_cart):
    Cart.objects.filter(pk=guest_cart.pk).update(status="checking_out")
    use_cart(client, guest_cart)

    response = client.post("/en/cart/add/", {"sku": "37370"}, headers=HTMX)

    assert response.status_code == 409
    assert text_of(response).strip() == (
        "Not added: This cart is being ordered and can no longer change."
    )


def test_an_expired_or_ordered_cart_is_replaced_by_a_new_one(client, shop, guest_cart):
    Cart.objects.filter(pk=guest_cart.pk).update(status="completed")
    use_cart(client, guest_cart)

    client.post("/en/cart/add/", {"sku": "37370"})

    new = Cart.objects.exclude(pk=guest_cart.pk).get()
    assert lines_of(new) == [("37370", 1)]
    assert lines_of(guest_cart) == [("85123A", 2), ("71053", 1)]


# The cart page -------------------------------------------------------------------------


def test_empty_cart_page(client, shop, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/en/cart/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    content = response.content.decode()
    assert '<meta name="robots" content="noindex">' in content
    assert "Your cart is empty." in content
    assert "Proceed to checkout" not in content


def test_cart_page_lists_the_lines_with_totals(client, shop, guest_cart):
    use_cart(client, guest_cart)

    response = client.get("/en/cart/")

    content = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "<caption>3 items in your cart</caption>" in content
    assert '<th scope="col">Product</th>' in content
    assert '<th scope="row"><div class="cart-product"><img src="/images/p/85123A.svg"' in content
    heart, lantern = CartLine.objects.filter(cart=guest_cart).order_by("pk")
    assert (
        f'<label class="visually-hidden" for="quantity-{heart.pk}">'
        "Quantity of White Hanging Heart T-Light Holder</label>"
    ) in content
    assert f'id="quantity-{heart.pk}" type="number" name="quantity" value="2"' in content
    assert f'action="/en/cart/lines/{lantern.pk}/remove/"' in content
    assert "csrfmiddlewaretoken" in content
    text = text_of(response)
    # 2 × 2.95 + 3.75 = 9.65 € VAT included; VAT = 9.65 − round(9.65 / 1.2) = 1.61
    assert "White Hanging Heart T-Light Holder SKU 85123A €2.95" in text
    assert "€5.90" in text
    assert "Subtotal €9.65" in text
    assert "Total before delivery €9.65" in text
    assert "Including VAT at 20 % €1.61" in text
    assert "Prices include VAT." in text
    assert '<a class="button" href="/en/checkout/">Proceed to checkout</a>' in content


def test_cart_page_in_french(client, shop, guest_cart):
    use_cart(client, guest_cart)

    response = client.get("/cart/")

    assert response.status_code == 200
    assert "9,65\u00a0€" in response.content.decode()
    assert 'href="/checkout/"' in response.content.decode()


def test_cart_page_queries_do_not_grow_with_the_lines(client, shop, django_assert_num_queries):
    cart = CartFactory()
    use_cart(client, cart)
    for product in Product.objects.order_by("pk")[:8]:
        CartLineFactory(cart=cart, product=product)

    # the cart, its lines with product, price and VAT rate, their stock
    with django_assert_num_queries(3):
        response = client.get("/en/cart/")

    assert "<caption>8 items in your cart</caption>" in response.content.decode()


def test_cart_page_of_a_signed_in_shopper_queries(client, shop, django_assert_num_queries):
    user = User.objects.create_user(username="marie", email="marie@example.fr", password="x")
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=shop.heart, quantity=2)
    client.force_login(user)

    # session, user, the cart, its lines, their stock
    with django_assert_num_queries(5):
        response = client.get("/en/cart/")

    assert "<caption>2 items in your cart</caption>" in response.content.decode()


def test_a_forged_cookie_is_an_empty_cart(client, shop, guest_cart):
    client.cookies[COOKIE_NAME] = str(guest_cart.pk)  # the id without the signature

    response = client.get("/en/cart/")

    assert "Your cart is empty." in response.content.decode()


def test_an_expired_cart_is_not_shown(client, shop, guest_cart):
    Cart.objects.filter(pk=guest_cart.pk).update(updated_at=timezone.now() - timedelta(days=31))
    use_cart(client, guest_cart)

    response = client.get("/en/cart/")

    assert "Your cart is empty." in response.content.decode()


def test_cart_page_warns_of_lines_above_the_stock(client, shop, guest_cart):
    StockLevel.objects.filter(product=shop.heart).update(quantity=1)
    StockLevel.objects.filter(product=shop.lantern).update(quantity=0)
    use_cart(client, guest_cart)

    response = client.get("/en/cart/")

    heart, lantern = CartLine.objects.filter(cart=guest_cart).order_by("pk")
    content = response.content.decode()
    assert notices(response) == [
        "Please note: Some products have sold out since you added them: lower their quantity "
        "before ordering."
    ]
    assert f'<span class="line-warning" id="stock-{heart.pk}">Only 1 left.</span>' in content
    assert f'<span class="line-warning" id="stock-{lantern.pk}">Out of stock.</span>' in content
    assert f'aria-describedby="stock-{heart.pk}"' in content


def test_cart_page_of_a_cart_being_ordered_has_no_forms(client, shop, guest_cart):
    Cart.objects.filter(pk=guest_cart.pk).update(status="checking_out")
    use_cart(client, guest_cart)

    response = client.get("/en/cart/")

    content = response.content.decode()
    assert notices(response) == [
        "Please note: This cart is being ordered: it cannot change until the payment is "
        "finished or cancelled."
    ]
    assert "/en/cart/lines/" not in content
    assert "Proceed to checkout" not in content


def test_cart_page_lists_products_no_longer_for_sale_apart(client, shop, guest_cart):
    Product.objects.filter(pk=shop.lantern.pk).update(is_active=False)
    use_cart(client, guest_cart)

    response = client.get("/en/cart/")

    lantern = CartLine.objects.get(cart=guest_cart, product=shop.lantern)
    text = text_of(response)
    assert "No longer for sale These products are not counted in the total." in text
    assert f'action="/en/cart/lines/{lantern.pk}/remove/"' in response.content.decode()
    assert "Subtotal €5.90" in text


# Changing the cart ---------------------------------------------------------------------


def test_update_without_javascript(shop, guest_cart):
    client = Client(enforce_csrf_checks=True)
    use_cart(client, guest_cart)
    heart = CartLine.objects.get(cart=guest_cart, product=shop.heart)
    page = client.get("/en/cart/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(
        f"/en/cart/lines/{heart.pk}/", {"quantity": "5", "csrfmiddlewaretoken": token}
    )

    assert (response.status_code, response["Location"]) == (302, "/en/cart/")
    assert lines_of(guest_cart) == [("85123A", 5), ("71053", 1)]
    assert notices(client.get("/en/cart/")) == [
        "White Hanging Heart T-Light Holder: quantity changed to 5."
    ]


def test_update_and_remove_need_the_csrf_token(shop, guest_cart):
    client = Client(enforce_csrf_checks=True)
    use_cart(client, guest_cart)
    heart = CartLine.objects.get(cart=guest_cart, product=shop.heart)

    assert client.post(f"/en/cart/lines/{heart.pk}/", {"quantity": "5"}).status_code == 403
    assert client.post(f"/en/cart/lines/{heart.pk}/remove/").status_code == 403
    assert lines_of(guest_cart) == [("85123A", 2), ("71053", 1)]


def test_update_with_htmx_answers_the_new_table_and_keeps_the_focus(client, shop, guest_cart):
    use_cart(client, guest_cart)
    heart = CartLine.objects.get(cart=guest_cart, product=shop.heart)

    response = client.post(f"/en/cart/lines/{heart.pk}/", {"quantity": "4"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "cart-changed"
    assert response["Cache-Control"] == "private, no-store"
    assert content.startswith(f'<div class="cart-body" data-focus="quantity-{heart.pk}">')
    assert f'id="quantity-{heart.pk}" type="number" name="quantity" value="4"' in content
    assert "Subtotal €15.55" in text_of(response)
    assert '<div id="cart-status" hx-swap-oob="innerHTML">' in content
    assert notices(response) == ["White Hanging Heart T-Light Holder: quantity changed to 4."]
    assert "<html" not in content


def test_update_beyond_the_stock_with_htmx_shows_the_error_at_the_field(client, shop, guest_cart):
    use_cart(client, guest_cart)
    lantern = CartLine.objects.get(cart=guest_cart, product=shop.lantern)

    response = client.post(f"/en/cart/lines/{lantern.pk}/", {"quantity": "9"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 409
    assert not response.has_header("HX-Trigger")
    assert notices(response) == ["Error: White Metal Lantern: Only 3 left."]
    assert (
        f'value="1" min="1" max="99" inputmode="numeric" required aria-invalid="true" '
        f'aria-describedby="quantity-error-{lantern.pk}"'
    ) in content
    assert (f'<p class="field-error" id="quantity-error-{lantern.pk}">Only 3 left.</p>') in content
    assert lines_of(guest_cart) == [("85123A", 2), ("71053", 1)]


@pytest.mark.parametrize("quantity", ["0", "", "abc", "100", "-1"])
def test_update_with_a_bad_quantity(client, shop, guest_cart, quantity):
    use_cart(client, guest_cart)
    heart = CartLine.objects.get(cart=guest_cart, product=shop.heart)

    response = client.post(f"/en/cart/lines/{heart.pk}/", {"quantity": quantity}, headers=HTMX)

    assert response.status_code == 400
    assert notices(response) == [
        "Error: White Hanging Heart T-Light Holder: Enter a quantity from 1 to 99."
    ]
    assert lines_of(guest_cart) == [("85123A", 2), ("71053", 1)]


def test_remove_with_htmx_moves_the_focus_to_the_heading(client, shop, guest_cart):
    use_cart(client, guest_cart)
    heart = CartLine.objects.get(cart=guest_cart, product=shop.heart)

    response = client.post(f"/en/cart/lines/{heart.pk}/remove/", headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "cart-changed"
    assert response.content.decode().startswith('<div class="cart-body" data-focus="cart-heading">')
    assert notices(response) == ["White Hanging Heart T-Light Holder was removed from your cart."]
    assert lines_of(guest_cart) == [("71053", 1)]


def test_removing_the_last_line_shows_the_empty_cart(client, shop):
    cart = CartFactory()
    line = CartLineFactory(cart=cart, product=shop.mug)
    use_cart(client, cart)

    response = client.post(f"/en/cart/lines/{line.pk}/remove/", follow=True)

    assert notices(response) == ["Retro Coffee Mug was removed from your cart."]
    assert "Your cart is empty." in response.content.decode()


def test_a_line_of_another_cart_cannot_be_touched(client, shop, guest_cart):
    other = CartLineFactory(cart=CartFactory(), product=shop.mug, quantity=2)
    use_cart(client, guest_cart)

    update = client.post(f"/en/cart/lines/{other.pk}/", {"quantity": "1"}, headers=HTMX)
    remove = client.post(f"/en/cart/lines/{other.pk}/remove/", headers=HTMX)

    assert (update.status_code, remove.status_code) == (404, 404)
    assert notices(update) == ["Error: This line is not in the cart."]
    assert lines_of(other.cart) == [("37370", 2)]


def test_changing_a_cart_that_expired(client, shop):
    response = client.post("/en/cart/lines/1/", {"quantity": "1"}, headers=HTMX)

    assert response.status_code == 409
    assert notices(response) == ["Error: Your cart has expired or was ordered; it is empty now."]
    assert "Your cart is empty." in response.content.decode()


def test_update_and_remove_only_take_post(client, shop):
    assert client.get("/en/cart/lines/1/").status_code == 405
    assert client.get("/en/cart/lines/1/remove/").status_code == 405


# The mini-cart -------------------------------------------------------------------------


def test_base_page_has_the_mini_cart_slot_with_a_plain_link(client, shop):
    response = client.get("/en/")

    assert (
        '<div id="mini-cart" class="mini-cart" hx-get="/en/cart/mini/" '
        'hx-trigger="load, cart-changed from:body"><a class="mini-cart-link" href="/en/cart/">'
        "Cart</a></div>"
    ) in response.content.decode()
    assert '<a class="account-link" href="/en/account/sign-in/">Sign in</a>' in (
        response.content.decode()
    )


def test_mini_cart_without_a_cart_costs_no_query(client, shop, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/en/cart/mini/", headers=HTMX)

    assert response["Cache-Control"] == "private, no-store"
    assert response.content.decode().strip() == (
        '<a class="mini-cart-link" href="/en/cart/">Cart</a>'
    )


def test_mini_cart_counts_the_items(client, shop, guest_cart, django_assert_num_queries):
    use_cart(client, guest_cart)

    # the cart and its lines
    with django_assert_num_queries(2):
        response = client.get("/en/cart/mini/", headers=HTMX)

    assert response["Cache-Control"] == "private, no-store"
    assert response.content.decode().strip() == (
        '<a class="mini-cart-link" href="/en/cart/">Cart '
        '<span class="cart-count">3 items</span></a>'
    )
