import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from orchestre.cart.models import Cart
from orchestre.cart.selectors import (
    get_cart,
    get_guest_cart,
    get_open_cart_for_user,
    list_stock_shortages,
)
from orchestre.cart.tests.factories import CartFactory, CartLineFactory, product_for_sale
from orchestre.core.errors import NotFound
from orchestre.inventory.models import StockLevel
from orchestre.users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user(username="marie@example.fr", email="marie@example.fr")


def test_get_cart_loads_lines_product_price_and_vat_in_two_queries(django_assert_num_queries):
    cart = CartFactory()
    for number in range(5):
        CartLineFactory(cart=cart, product=product_for_sale(sku=f"2200{number}"), quantity=2)

    with django_assert_num_queries(2):
        loaded = get_cart(str(cart.pk))
        rates = [line.product.price.vat_rate.rate for line in loaded.lines.all()]

    assert len(rates) == 5
    assert [line.product.sku for line in loaded.lines.all()] == [f"2200{n}" for n in range(5)]


@pytest.mark.parametrize("cart_id", ["nope", uuid.uuid4(), None])
def test_get_cart_of_an_unknown_id(cart_id):
    with pytest.raises(NotFound) as error:
        get_cart(cart_id)

    assert error.value.code == "unknown_cart"


def test_get_guest_cart_only_finds_a_usable_guest_cart(user):
    usable = CartFactory()
    being_ordered = CartFactory(status="checking_out")
    ordered = CartFactory(status="completed")
    old = CartFactory(updated_at=timezone.now() - timedelta(days=31))
    accounts = CartFactory(user=user)

    assert get_guest_cart(str(usable.pk)) == usable
    assert get_guest_cart(being_ordered.pk) == being_ordered
    assert get_guest_cart(ordered.pk) is None
    assert get_guest_cart(old.pk) is None
    assert get_guest_cart(accounts.pk) is None
    assert get_guest_cart("forged") is None


def test_get_open_cart_for_user(user):
    assert get_open_cart_for_user(user) is None
    CartFactory(user=user, status="completed")
    assert get_open_cart_for_user(user) is None
    cart = CartFactory(user=user, status="checking_out")

    assert get_open_cart_for_user(user) == cart


def test_get_open_cart_for_user_ignores_an_expired_cart(user):
    CartFactory(user=user, updated_at=timezone.now() - timedelta(days=31))

    assert get_open_cart_for_user(user) is None


def test_a_cart_expires_after_its_lifetime_unless_ordered(settings):
    settings.CART_LIFETIME_DAYS = 2
    now = timezone.now()

    assert not Cart(updated_at=now - timedelta(days=1, hours=23)).is_expired
    assert Cart(updated_at=now - timedelta(days=2, minutes=1)).is_expired
    assert not Cart(updated_at=now - timedelta(days=9), status="completed").is_expired


def test_list_stock_shortages_names_lines_above_the_stock(django_assert_num_queries):
    cart = CartFactory()
    fine = CartLineFactory(cart=cart, product=product_for_sale(sku="22001", stock=5), quantity=5)
    short = CartLineFactory(cart=cart, product=product_for_sale(sku="22002", stock=5), quantity=4)
    gone = CartLineFactory(cart=cart, product=product_for_sale(sku="22003", stock=None))
    StockLevel.objects.filter(product=short.product).update(reserved=3)
    cart = get_cart(cart.pk)

    with django_assert_num_queries(1):
        shortages = list_stock_shortages(cart)

    assert shortages == {short.pk: 2, gone.pk: 0}
    assert fine.pk not in shortages


def test_cart_line_constraints():
    line = CartLineFactory(product=product_for_sale(sku="22001"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CartLineFactory(cart=line.cart, product=line.product)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(line).objects.filter(pk=line.pk).update(quantity=0)


def test_an_account_cannot_have_two_current_carts(user):
    CartFactory(user=user)
    CartFactory(user=user, status="completed")
    with pytest.raises(IntegrityError), transaction.atomic():
        CartFactory(user=user, status="checking_out")
