"""Real concurrent writers (threads, each with its own database connection) on one cart."""

import threading
from collections import Counter

import pytest
from django.db import connection

from orchestre.cart import services
from orchestre.cart.models import Cart, CartLine
from orchestre.cart.tests.factories import CartFactory, CartLineFactory, product_for_sale
from orchestre.core.errors import DomainError
from orchestre.users.models import User

THREADS = 10


def run_at_once(work, count: int = THREADS) -> Counter:
    """Run `work(number)` in `count` threads released together; count what each returned
    (or the code of the domain error it raised)."""
    outcomes = Counter()
    failures = []
    start = threading.Barrier(count)

    def run(number):
        try:
            start.wait()
            outcomes[work(number)] += 1
        except DomainError as error:
            outcomes[error.code] += 1
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_sku_make_one_line_within_the_stock():
    product_for_sale(sku="85123A", stock=5)
    cart = CartFactory()

    outcomes = run_at_once(
        lambda number: services.add_line(cart_id=cart.pk, sku="85123A", quantity=2) and "added"
    )

    assert outcomes == {"added": 2, "insufficient_stock": THREADS - 2}
    assert list(CartLine.objects.values_list("product__sku", "quantity")) == [("85123A", 4)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_several_skus_to_one_cart_never_exceed_any_stock():
    product_for_sale(sku="85123A", stock=3)
    product_for_sale(sku="22171", stock=4)
    cart = CartFactory()
    skus = ["85123A", "22171"]

    outcomes = run_at_once(
        lambda number: (
            services.add_line(cart_id=cart.pk, sku=skus[number % 2], quantity=1) and "added"
        )
    )

    assert outcomes == {"added": 7, "insufficient_stock": THREADS - 7}
    assert sorted(CartLine.objects.values_list("product__sku", "quantity")) == [
        ("22171", 4),
        ("85123A", 3),
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_and_adds_keep_the_line_within_the_stock():
    heart = product_for_sale(sku="85123A", stock=6)
    line = CartLineFactory(product=heart, quantity=1)

    def work(number):
        if number % 2:
            services.update_line(cart_id=line.cart_id, line_id=line.pk, quantity=5)
            return "updated"
        services.add_line(cart_id=line.cart_id, sku="85123A", quantity=1)
        return "added"

    outcomes = run_at_once(work)

    assert outcomes["updated"] == THREADS // 2
    assert CartLine.objects.count() == 1
    assert 1 <= CartLine.objects.get().quantity <= 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ins_give_an_account_one_cart():
    user = User.objects.create_user(username="marie@example.fr", email="marie@example.fr")
    heart = product_for_sale(sku="85123A", stock=50)
    guests = [CartFactory() for _ in range(THREADS)]
    for guest in guests:
        CartLineFactory(cart=guest, product=heart, quantity=2)

    outcomes = run_at_once(
        lambda number: services.merge_carts(guest_cart_id=guests[number].pk, user=user).pk
    )

    cart = Cart.objects.get(user=user)
    assert outcomes == {cart.pk: THREADS}
    assert list(cart.lines.values_list("quantity", flat=True)) == [2 * THREADS]


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_cart_claim_it_once():
    line = CartLineFactory(product=product_for_sale(sku="85123A", stock=5))

    outcomes = run_at_once(lambda number: services.begin_checkout(cart_id=line.cart_id).status)

    assert outcomes == {"checking_out": 1, "checkout_in_progress": THREADS - 1}
