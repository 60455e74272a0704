"""Signing in (by e-mail, merging the guest cart), signing out and the account's orders."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone, translation

from orchestre.cart.models import Cart, CartLine
from orchestre.cart.tests.factories import CartFactory, CartLineFactory
from orchestre.inventory.models import StockLevel
from orchestre.orders.services import place_order
from orchestre.orders.tests.factories import ImportedOrderFactory, order_arguments
from orchestre.storefront.account_views import ORDERS_PER_PAGE, lockout_response
from orchestre.storefront.cart_session import COOKIE_NAME
from orchestre.storefront.tests.test_cart_pages import lines_of, notices, use_cart
from orchestre.users.models import User

PASSWORD = "a long enough password 42"


@pytest.fixture(autouse=True)
def _friendly_lockout(settings):
    settings.AXES_LOCKOUT_CALLABLE = "orchestre.storefront.account_views.lockout_response"


@pytest.fixture
def marie(db):
    return User.objects.create_user(
        username="marie.curie@example.fr", email="marie.curie@example.fr", password=PASSWORD
    )


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post("/en/account/sign-in/", {"email": email, "password": password, **extra})


def test_sign_in_page(client, db):
    response = client.get("/en/account/sign-in/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in content
    assert '<label for="id_email">E-mail address</label>' in content
    assert 'type="email" name="email" autocomplete="email"' in content
    assert '<label for="id_password">Password</label>' in content
    assert 'autocomplete="current-password"' in content


@pytest.mark.parametrize("email", ["marie.curie@example.fr", "Marie.Curie@Example.FR"])
def test_sign_in_by_email_goes_to_the_orders(client, marie, email):
    response = sign_in(client, email)

    assert (response.status_code, response["Location"]) == (302, "/en/account/orders/")
    assert client.session["_auth_user_id"] == str(marie.pk)


def test_sign_in_follows_a_safe_next_address_only(client, marie):
    assert sign_in(client, marie.email, next="/en/cart/")["Location"] == "/en/cart/"
    client.logout()
    assert sign_in(client, marie.email, next="https://evil.example/")["Location"] == (
        "/en/account/orders/"
    )


@pytest.mark.parametrize(
    ("email", "password"),
    [("marie.curie@example.fr", "wrong password"), ("nobody@example.fr", PASSWORD)],
)
def test_sign_in_with_a_wrong_email_or_password(client, marie, email, password):
    response = sign_in(client, email, password)

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="notice notice-error" role="alert"><p><strong>Error:</strong> '
        "This e-mail address and password do not match an account.</p></div>"
    ) in content
    assert "_auth_user_id" not in client.session


def test_sign_in_with_an_invalid_email(client, marie):
    response = sign_in(client, "not an address")

    content = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_email_error"' in content
    assert '<p class="field-error" id="id_email_error">Enter a valid email address.</p>' in content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("email", ["marie.curie@example.fr", "nobody@example.fr"])
def test_five_failures_lock_out_known_and_unknown_addresses_alike(client, marie, email):
    statuses = [sign_in(client, email, "wrong password").status_code for _ in range(5)]
    response = sign_in(client, email)

    content = response.content.decode()
    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert (
        "Too many failed sign-in attempts. For your security, signing in is paused: try again "
        "after "
    ) in content
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_every_spelling_of_one_address(client, marie):
    for email in ["marie.curie@example.fr", "MARIE.CURIE@example.fr"] * 2 + [
        "Marie.Curie@Example.FR"
    ]:
        sign_in(client, email, "wrong password")

    assert sign_in(client, "Marie.Curie@Example.fr").status_code == 429


def test_sign_in_works_again_after_the_cool_off(client, marie, settings):
    for _ in range(5):
        sign_in(client, marie.email, "wrong password")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert sign_in(client, marie.email).status_code == 302


def test_other_sign_ins_get_the_short_lockout_text(rf, db):
    with translation.override("en"):
        response = lockout_response(rf.post("/admin/login/"), HttpResponse(status=200))

    assert response.status_code == 429
    assert response.content.decode() == (
        "Too many failed sign-in attempts. For your security, try again later."
    )


def test_an_inactive_account_cannot_sign_in(client, marie):
    User.objects.filter(pk=marie.pk).update(is_active=False)

    response = sign_in(client, marie.email)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_needs_the_csrf_token(marie):
    client = Client(enforce_csrf_checks=True)

    assert sign_in(client, marie.email).status_code == 403


def test_sign_in_merges_the_guest_cart_and_forgets_its_cookie(client, shop, marie):
    guest = CartFactory()
    CartLineFactory(cart=guest, product=shop.heart, quantity=2)
    CartLineFactory(cart=guest, product=shop.mug, quantity=1)
    mine = CartFactory(user=marie)
    CartLineFactory(cart=mine, product=shop.heart, quantity=1)
    use_cart(client, guest)

    response = sign_in(client, marie.email, next="/en/cart/")

    assert response["Location"] == "/en/cart/"
    assert response.cookies[COOKIE_NAME].value == ""
    assert lines_of(mine) == [("85123A", 3), ("37370", 1)]
    assert lines_of(guest) == []
    page = client.get("/en/cart/")
    assert "<caption>4 items in your cart</caption>" in page.content.decode()


def test_sign_in_says_which_quantities_the_stock_capped(client, shop, marie):
    guest = CartFactory()
    CartLineFactory(cart=guest, product=shop.lantern, quantity=3)
    CartLineFactory(cart=guest, product=shop.mug, quantity=2)
    mine = CartFactory(user=marie)
    CartLineFactory(cart=mine, product=shop.lantern, quantity=2)
    StockLevel.objects.filter(product=shop.mug).update(quantity=0)
    use_cart(client, guest)

    response = sign_in(client, marie.email)
    page = client.get(response["Location"])

    assert notices(page) == [
        "Please note: White Metal Lantern: your cart now holds 3 instead of 5, the most that "
        "can be ordered now.",
        "Please note: Retro Coffee Mug is out of stock and was left out of your cart.",
    ]
    assert lines_of(mine) == [("71053", 3)]


def test_sign_in_without_a_guest_cart_creates_no_cart(client, marie):
    sign_in(client, marie.email)

    assert Cart.objects.count() == 0


def test_header_links_to_the_account_once_signed_in(client, shop, marie):
    client.force_login(marie)

    response = client.get("/en/")

    assert '<a class="account-link" href="/en/account/orders/">Your account</a>' in (
        response.content.decode()
    )


def test_a_signed_in_visitor_is_sent_on_from_the_sign_in_page(client, marie):
    client.force_login(marie)

    response = client.get("/en/account/sign-in/")

    assert (response.status_code, response["Location"]) == (302, "/en/account/orders/")


# Signing out ---------------------------------------------------------------------------


def test_sign_out_takes_post_and_ends_the_session(client, shop, marie):
    client.force_login(marie)

    assert client.get("/en/account/sign-out/").status_code == 405
    response = client.post("/en/account/sign-out/")

    assert (response.status_code, response["Location"]) == (302, "/en/")
    assert "_auth_user_id" not in client.session


def test_after_sign_out_the_account_cart_is_not_shown(client, shop, marie):
    cart = CartFactory(user=marie)
    CartLineFactory(cart=cart, product=shop.heart)
    client.force_login(marie)
    client.post("/en/account/sign-out/")

    response = client.get("/en/cart/")

    assert "Your cart is empty." in response.content.decode()


# Orders --------------------------------------------------------------------------------


def test_orders_need_a_signed_in_account(client, db):
    response = client.get("/en/account/orders/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/en/account/sign-in/?next=/en/account/orders/",
    )


def test_orders_page_lists_the_account_orders(client, shop, marie, django_assert_num_queries):
    someone = User.objects.create_user(username="paul", email="paul@example.fr")
    products = [shop.heart, shop.mug, shop.frame]
    with transaction.atomic():
        first = place_order(**order_arguments(products=products, user=marie))
        second = place_order(**order_arguments(products=products, user=marie))
        place_order(**order_arguments(products=products, user=someone))
        ImportedOrderFactory()
    client.force_login(marie)

    # session, user, the count for the pages, the orders, their lines (invoices joined)
    with django_assert_num_queries(5):
        response = client.get("/en/account/orders/")

    content = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in content
    numbers = re.findall(r'<th scope="row"><a href="/en/order/[^"]+/">(OR-[\d-]+)</a>', content)
    assert numbers == [second.number, first.number]
    assert f'<a href="/en/order/{first.access_token}/">{first.number}</a>' in content
    assert "Awaiting payment" in content
    assert "€23.05" in content
    assert '<form class="sign-out" method="post" action="/en/account/sign-out/">' in content
    assert '<a href="/en/account/orders/" aria-current="page">Orders</a>' in content
    assert 'class="pagination"' not in content


def test_orders_are_paginated(client, shop, marie, settings):
    with transaction.atomic():
        placed = [
            place_order(**order_arguments(products=[shop.heart, shop.mug, shop.frame], user=marie))
            for _ in range(ORDERS_PER_PAGE + 1)
        ]
    client.force_login(marie)

    first = client.get("/en/account/orders/").content.decode()
    second = client.get("/en/account/orders/?page=2").content.decode()
    beyond = client.get("/en/account/orders/?page=junk")

    assert len(re.findall(r'<th scope="row">', first)) == ORDERS_PER_PAGE
    assert "Page 1 of 2" in first
    assert '<a href="?page=2" rel="next">Older orders</a>' in first
    assert re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', second) == [placed[0].number]
    assert beyond.status_code == 200


def test_another_accounts_orders_never_show(client, shop, marie):
    someone = User.objects.create_user(username="paul", email="paul@example.fr")
    with transaction.atomic():
        theirs = place_order(
            **order_arguments(products=[shop.heart, shop.mug, shop.frame], user=someone)
        )
    client.force_login(marie)

    content = client.get("/en/account/orders/").content.decode()

    assert theirs.number not in content
    assert theirs.access_token not in content
    assert client.get("/en/order/not-a-token/").status_code == 404


def test_orders_page_without_orders(client, marie):
    client.force_login(marie)

    response = client.get("/en/account/orders/")

    assert "You have not placed any order yet." in response.content.decode()


def test_cart_line_count_is_unchanged_by_signing_in_twice(client, shop, marie):
    guest = CartFactory()
    CartLineFactory(cart=guest, product=shop.heart, quantity=2)
    use_cart(client, guest)
    sign_in(client, marie.email)
    client.post("/en/account/sign-out/")
    use_cart(client, guest)  # an old copy of the cookie

    sign_in(client, marie.email)

    assert CartLine.objects.get(cart__user=marie).quantity == 2
