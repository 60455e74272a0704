import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orchestre.cart import services
from orchestre.cart.models import Cart, CartLine
from orchestre.cart.tests.factories import CartFactory, CartLineFactory, product_for_sale
from orchestre.core.errors import Conflict, InvalidInput, NotFound
from orchestre.inventory.models import StockLevel
from orchestre.users.models import User

pytestmark = pytest.mark.django_db


def lines_of(cart) -> list[tuple[str, int]]:
    return list(
        CartLine.objects.filter(cart=cart).order_by("pk").values_list("product__sku", "quantity")
    )


def expired(cart: Cart) -> Cart:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=31))
    cart.refresh_from_db()
    return cart


@pytest.fixture
def heart():
    return product_for_sale(sku="85123A", name="White hanging heart", price="2.95", stock=5)


@pytest.fixture
def lantern():
    return product_for_sale(sku="22171", name="Metal lantern", price="12.50", stock=3)


@pytest.fixture
def user():
    return User.objects.create_user(username="marie@example.fr", email="marie@example.fr")


# create_cart ---------------------------------------------------------------------------


def test_create_cart_makes_an_empty_guest_cart_with_a_random_id():
    first = services.create_cart(language="en")
    second = services.create_cart()

    assert isinstance(first.pk, uuid.UUID)
    assert first.pk != second.pk
    assert (first.user, first.status, first.language) == (None, "open", "en")
    assert list(first.lines.all()) == []


def test_create_cart_refuses_an_unknown_language():
    with pytest.raises(InvalidInput) as error:
        services.create_cart(language="de")

    assert error.value.code == "invalid_language"
    assert Cart.objects.count() == 0


def test_create_cart_for_a_user_returns_their_current_cart(user):
    existing = CartFactory(user=user)

    assert services.create_cart(user=user).pk == existing.pk
    assert Cart.objects.count() == 1


# add_line ------------------------------------------------------------------------------


def test_add_line_creates_a_line(heart):
    cart = CartFactory()

    line = services.add_line(cart_id=cart.pk, sku="85123A", quantity=2)

    assert (line.product, line.quantity) == (heart, 2)
    assert lines_of(cart) == [("85123A", 2)]


def test_add_line_takes_the_cart_id_as_text_and_the_sku_in_any_case(heart):
    cart = CartFactory()

    services.add_line(cart_id=str(cart.pk), sku=" 85123a ", quantity=1)

    assert lines_of(cart) == [("85123A", 1)]


def test_adding_the_same_sku_again_grows_its_one_line(heart):
    cart = CartFactory()
    services.add_line(cart_id=cart.pk, sku="85123A", quantity=2)

    line = services.add_line(cart_id=cart.pk, sku="85123A", quantity=3)

    assert line.quantity == 5
    assert lines_of(cart) == [("85123A", 5)]


def test_add_line_renews_the_cart(heart):
    cart = CartFactory(updated_at=timezone.now() - timedelta(days=10))

    services.add_line(cart_id=cart.pk, sku="85123A", quantity=1)

    cart.refresh_from_db()
    assert timezone.now() - cart.updated_at < timedelta(minutes=1)


def test_add_line_checks_the_total_of_the_sku_against_the_stock(heart):
    cart = CartFactory()
    services.add_line(cart_id=cart.pk, sku="85123A", quantity=4)

    with pytest.raises(Conflict) as error:
        services.add_line(cart_id=cart.pk, sku="85123A", quantity=2)

    assert error.value.code == "insufficient_stock"
    assert error.value.message == "Only 5 left, and your cart already holds 4."
    assert error.value.fields == {"quantity": ["Only 5 left, and your cart already holds 4."]}
    assert lines_of(cart) == [("85123A", 4)]


def test_add_line_says_how_many_are_left(lantern):
    cart = CartFactory()

    with pytest.raises(Conflict) as error:
        services.add_line(cart_id=cart.pk, sku="22171", quantity=4)

    assert (error.value.code, error.value.message) == ("insufficient_stock", "Only 3 left.")
    assert (error.value.available, error.value.in_cart) == (3, 0)
    assert lines_of(cart) == []


def test_add_line_counts_reserved_units_as_gone(lantern):
    StockLevel.objects.filter(product=lantern).update(reserved=2)
    cart = CartFactory()

    with pytest.raises(Conflict) as error:
        services.add_line(cart_id=cart.pk, sku="22171", quantity=2)

    assert error.value.message == "Only 1 left."


def test_add_line_sums_the_stock_of_every_warehouse(lantern):
    from orchestre.inventory.tests.factories import StockLevelFactory, WarehouseFactory

    StockLevelFactory(product=lantern, warehouse=WarehouseFactory(code="paris"), quantity=4)
    cart = CartFactory()

    services.add_line(cart_id=cart.pk, sku="22171", quantity=7)

    assert lines_of(cart) == [("22171", 7)]


def test_add_line_of_a_product_without_stock():
    product_for_sale(sku="72741", name="Scented candle", stock=None)
    cart = CartFactory()

    with pytest.raises(Conflict) as error:
        services.add_line(cart_id=cart.pk, sku="72741", quantity=1)

    assert error.value.message == "Scented candle is out of stock."
    assert lines_of(cart) == []


def test_add_line_of_an_unknown_sku():
    cart = CartFactory()

    with pytest.raises(NotFound) as error:
        services.add_line(cart_id=cart.pk, sku="NOPE", quantity=1)

    assert error.value.code == "unknown_sku"
    assert error.value.message == "No product with the SKU NOPE."
    assert error.value.fields == {"sku": ["No product with the SKU NOPE."]}


@pytest.mark.parametrize("sku", ["", "a\x00b", "X" * 200, "85123A; DROP"])
def test_add_line_of_a_malformed_sku(heart, sku):
    cart = CartFactory()

    with pytest.raises(NotFound) as error:
        services.add_line(cart_id=cart.pk, sku=sku, quantity=1)

    assert error.value.code == "unknown_sku"
    assert lines_of(cart) == []


@pytest.mark.parametrize("quantity", [0, -1, 100, True, "2", 1.0, None])
def test_add_line_refuses_a_quantity_out_of_range(heart, quantity):
    cart = CartFactory()

    with pytest.raises(InvalidInput) as error:
        services.add_line(cart_id=cart.pk, sku="85123A", quantity=quantity)

    assert error.value.code == "invalid_quantity"
    assert error.value.fields == {"quantity": ["Enter a quantity from 1 to 99."]}
    assert lines_of(cart) == []


def test_add_line_refuses_more_than_99_of_a_product_in_all():
    product_for_sale(sku="22000", stock=500)
    cart = CartFactory()
    services.add_line(cart_id=cart.pk, sku="22000", quantity=60)

    with pytest.raises(InvalidInput) as error:
        services.add_line(cart_id=cart.pk, sku="22000", quantity=40)

    assert error.value.code == "invalid_quantity"
    assert lines_of(cart) == [("22000", 60)]


def test_add_line_refuses_a_product_without_price():
    from orchestre.catalog.tests.factories import ProductFactory

    ProductFactory(sku="99999", name="Mystery box", search_index=False)
    cart = CartFactory()

    with pytest.raises(InvalidInput) as error:
        services.add_line(cart_id=cart.pk, sku="99999", quantity=1)

    assert (error.value.code, error.value.message) == (
        "not_for_sale",
        "Mystery box is not for sale at the moment.",
    )


def test_add_line_refuses_an_inactive_product():
    product_for_sale(sku="99998", name="Old mug", is_active=False)
    cart = CartFactory()

    with pytest.raises(InvalidInput) as error:
        services.add_line(cart_id=cart.pk, sku="99998", quantity=1)

    assert error.value.code == "not_for_sale"
    assert lines_of(cart) == []


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("checking_out", "This cart is being ordered and can no longer change."),
        ("completed", "This cart has already been ordered and can no longer change."),
    ],
)
def test_add_line_to_a_cart_being_ordered_or_ordered(heart, status, message):
    cart = CartFactory(status=status)

    with pytest.raises(Conflict) as error:
        services.add_line(cart_id=cart.pk, sku="85123A", quantity=1)

    assert (error.value.code, error.value.message) == ("cart_closed", message)
    assert lines_of(cart) == []


def test_add_line_to_an_expired_cart(heart):
    cart = expired(CartFactory())

    with pytest.raises(Conflict) as error:
        services.add_line(cart_id=cart.pk, sku="85123A", quantity=1)

    assert (error.value.code, error.value.message) == (
        "cart_expired",
        "This cart has expired; start a new one.",
    )
    assert lines_of(cart) == []


@pytest.mark.parametrize("cart_id", [uuid.uuid4(), "not-a-uuid", "", "1" * 500])
def test_add_line_to_an_unknown_cart(heart, cart_id):
    with pytest.raises(NotFound) as error:
        services.add_line(cart_id=cart_id, sku="85123A", quantity=1)

    assert (error.value.code, error.value.message) == ("unknown_cart", "No cart with this id.")
    assert CartLine.objects.count() == 0


# update_line and remove_line -----------------------------------------------------------


def test_update_line_sets_the_quantity(heart):
    line = CartLineFactory(product=heart, quantity=1)

    updated = services.update_line(cart_id=line.cart_id, line_id=line.pk, quantity=5)

    assert updated.quantity == 5
    assert lines_of(line.cart) == [("85123A", 5)]


def test_update_line_above_the_stock(heart):
    line = CartLineFactory(product=heart, quantity=1)

    with pytest.raises(Conflict) as error:
        services.update_line(cart_id=line.cart_id, line_id=line.pk, quantity=6)

    assert (error.value.code, error.value.message) == ("insufficient_stock", "Only 5 left.")
    assert lines_of(line.cart) == [("85123A", 1)]


@pytest.mark.parametrize("quantity", [0, 100, -3])
def test_update_line_with_a_quantity_out_of_range(heart, quantity):
    line = CartLineFactory(product=heart, quantity=2)

    with pytest.raises(InvalidInput) as error:
        services.update_line(cart_id=line.cart_id, line_id=line.pk, quantity=quantity)

    assert error.value.code == "invalid_quantity"
    assert lines_of(line.cart) == [("85123A", 2)]


@pytest.mark.parametrize("line_id", [0, -1, 2**63, 2**70, True])
def test_update_line_with_an_impossible_line_id(heart, line_id):
    cart = CartFactory()

    with pytest.raises(NotFound) as error:
        services.update_line(cart_id=cart.pk, line_id=line_id, quantity=1)

    assert (error.value.code, error.value.message) == (
        "unknown_line",
        "This line is not in the cart.",
    )


def test_a_line_of_another_cart_cannot_be_changed_nor_removed(heart):
    line = CartLineFactory(product=heart, quantity=2)
    other = CartFactory()

    with pytest.raises(NotFound) as error:
        services.update_line(cart_id=other.pk, line_id=line.pk, quantity=1)
    assert error.value.code == "unknown_line"
    with pytest.raises(NotFound):
        services.remove_line(cart_id=other.pk, line_id=line.pk)

    assert lines_of(line.cart) == [("85123A", 2)]


def test_remove_line_returns_the_cart_without_it(heart, lantern):
    cart = CartFactory()
    line = CartLineFactory(cart=cart, product=heart)
    CartLineFactory(cart=cart, product=lantern)

    result = services.remove_line(cart_id=cart.pk, line_id=line.pk)

    assert [line.product.sku for line in result.lines.all()] == ["22171"]
    assert lines_of(cart) == [("22171", 1)]


def test_lines_of_a_cart_being_ordered_cannot_change(heart):
    line = CartLineFactory(product=heart, cart=CartFactory(status="checking_out"), quantity=2)

    with pytest.raises(Conflict) as error:
        services.update_line(cart_id=line.cart_id, line_id=line.pk, quantity=1)
    assert error.value.code == "cart_closed"
    with pytest.raises(Conflict):
        services.remove_line(cart_id=line.cart_id, line_id=line.pk)

    assert lines_of(line.cart) == [("85123A", 2)]


# get_or_create_user_cart and merge_carts ----------------------------------------------


def test_get_or_create_user_cart_creates_one_then_returns_it(user):
    first = services.get_or_create_user_cart(user=user, language="en")
    second = services.get_or_create_user_cart(user=user)

    assert first.pk == second.pk
    assert (first.user, first.language) == (user, "en")
    assert Cart.objects.count() == 1


def test_get_or_create_user_cart_after_an_order_starts_a_new_one(user):
    ordered = CartFactory(user=user, status="completed", order_number="OR-2026-00001")

    cart = services.get_or_create_user_cart(user=user)

    assert cart.pk != ordered.pk
    assert Cart.objects.filter(user=user).count() == 2


def test_get_or_create_user_cart_starts_an_expired_cart_afresh(user, heart):
    cart = CartFactory(user=user, email="marie@example.fr", delivery_method_code="colissimo")
    CartLineFactory(cart=cart, product=heart)
    expired(cart)

    renewed = services.get_or_create_user_cart(user=user)

    assert renewed.pk == cart.pk
    assert not renewed.is_expired
    assert (renewed.email, renewed.delivery_method_code) == ("", "")
    assert list(renewed.lines.all()) == []


def test_merge_adds_the_guest_lines_to_the_user_cart(user, heart, lantern):
    guest = CartFactory()
    CartLineFactory(cart=guest, product=heart, quantity=2)
    CartLineFactory(cart=guest, product=lantern, quantity=1)
    mine = CartFactory(user=user)
    CartLineFactory(cart=mine, product=heart, quantity=1)

    cart = services.merge_carts(guest_cart_id=guest.pk, user=user)

    assert cart.pk == mine.pk
    assert cart.capped_lines == []
    assert lines_of(mine) == [("85123A", 3), ("22171", 1)]
    assert lines_of(guest) == []


def test_merge_caps_quantities_at_the_stock_and_leaves_out_what_sold_out(user, heart, lantern):
    candle = product_for_sale(sku="72741", name="Scented candle", stock=2)
    guest = CartFactory()
    CartLineFactory(cart=guest, product=heart, quantity=4)
    CartLineFactory(cart=guest, product=candle, quantity=1)
    mine = CartFactory(user=user)
    CartLineFactory(cart=mine, product=heart, quantity=3)
    CartLineFactory(cart=mine, product=candle, quantity=1)
    StockLevel.objects.filter(product=candle).update(quantity=0)

    cart = services.merge_carts(guest_cart_id=guest.pk, user=user)

    assert cart.capped_lines == [
        services.CappedLine(sku="85123A", name="White hanging heart", wanted=7, kept=5),
        services.CappedLine(sku="72741", name="Scented candle", wanted=2, kept=0),
    ]
    assert lines_of(mine) == [("85123A", 5)]


def test_merge_creates_the_user_cart_and_takes_the_guest_details(user, heart):
    guest = CartFactory(email="marie@example.fr", shipping_address={"city": "Lyon"})
    CartLineFactory(cart=guest, product=heart, quantity=2)

    cart = services.merge_carts(guest_cart_id=str(guest.pk), user=user)

    assert cart.user == user
    assert (cart.email, cart.shipping_address) == ("marie@example.fr", {"city": "Lyon"})
    assert lines_of(cart) == [("85123A", 2)]


def test_merge_keeps_the_details_the_user_cart_has(user, heart):
    guest = CartFactory(email="guest@example.fr")
    CartLineFactory(cart=guest, product=heart)
    CartFactory(user=user, email="marie@example.fr")

    cart = services.merge_carts(guest_cart_id=guest.pk, user=user)

    assert cart.email == "marie@example.fr"


@pytest.mark.parametrize(
    "guest_fields",
    [{"status": "checking_out"}, {"status": "completed"}],
)
def test_merge_leaves_a_guest_cart_that_is_being_ordered_or_ordered(user, heart, guest_fields):
    guest = CartFactory(**guest_fields)
    CartLineFactory(cart=guest, product=heart, quantity=2)

    cart = services.merge_carts(guest_cart_id=guest.pk, user=user)

    assert lines_of(cart) == []
    assert lines_of(guest) == [("85123A", 2)]


def test_merge_leaves_an_expired_guest_cart(user, heart):
    guest = CartFactory()
    CartLineFactory(cart=guest, product=heart, quantity=2)
    expired(guest)

    cart = services.merge_carts(guest_cart_id=guest.pk, user=user)

    assert lines_of(cart) == []


def test_merge_never_takes_another_account_cart(user, heart):
    someone = User.objects.create_user(username="paul@example.fr", email="paul@example.fr")
    theirs = CartFactory(user=someone)
    CartLineFactory(cart=theirs, product=heart, quantity=2)

    cart = services.merge_carts(guest_cart_id=theirs.pk, user=user)

    assert lines_of(cart) == []
    assert lines_of(theirs) == [("85123A", 2)]


def test_merge_waits_when_the_user_cart_is_being_ordered(user, heart, lantern):
    mine = CartFactory(user=user, status="checking_out")
    CartLineFactory(cart=mine, product=lantern)
    guest = CartFactory()
    CartLineFactory(cart=guest, product=heart, quantity=2)

    cart = services.merge_carts(guest_cart_id=guest.pk, user=user)

    assert cart.pk == mine.pk
    assert lines_of(mine) == [("22171", 1)]
    assert lines_of(guest) == [("85123A", 2)]


@pytest.mark.parametrize("guest_cart_id", ["forged", uuid.uuid4()])
def test_merge_with_an_unknown_guest_cart_returns_the_user_cart(user, guest_cart_id):
    cart = services.merge_carts(guest_cart_id=guest_cart_id, user=user)

    assert cart.user == user
    assert cart.capped_lines == []


# Checkout states -----------------------------------------------------------------------


def test_set_checkout_details_stores_them(heart):
    cart = CartFactory()
    address = {"first_name": "Marie", "city": "Lyon", "country": "FR"}

    result = services.set_checkout_details(
        cart_id=cart.pk,
        email="marie@example.fr",
        shipping_address=address,
        billing_address=None,
        delivery_method_code="colissimo",
    )

    assert (result.email, result.shipping_address, result.billing_address) == (
        "marie@example.fr",
        address,
        None,
    )
    assert result.delivery_method_code == "colissimo"


def test_begin_checkout_claims_an_open_cart_once(heart):
    line = CartLineFactory(product=heart)

    cart = services.begin_checkout(cart_id=line.cart_id)
    with pytest.raises(Conflict) as error:
        services.begin_checkout(cart_id=line.cart_id)

    assert cart.status == "checking_out"
    assert (error.value.code, error.value.message) == (
        "checkout_in_progress",
        "This cart is being ordered; wait for the payment result.",
    )


def test_begin_checkout_of_an_ordered_cart(heart):
    line = CartLineFactory(product=heart, cart=CartFactory(status="completed"))

    with pytest.raises(Conflict) as error:
        services.begin_checkout(cart_id=line.cart_id)

    assert error.value.code == "cart_completed"


def test_begin_checkout_of_an_expired_cart(heart):
    line = CartLineFactory(product=heart)
    expired(line.cart)

    with pytest.raises(Conflict) as error:
        services.begin_checkout(cart_id=line.cart_id)

    assert error.value.code == "cart_expired"
    assert Cart.objects.get().status == "open"


def test_begin_checkout_of_an_empty_cart():
    cart = CartFactory()

    with pytest.raises(InvalidInput) as error:
        services.begin_checkout(cart_id=cart.pk)

    assert (error.value.code, error.value.message) == ("empty_cart", "The cart is empty.")
    assert Cart.objects.get().status == "open"


def test_reopen_cart_gives_it_back_and_is_idempotent(heart):
    cart = CartFactory(status="checking_out")

    assert services.reopen_cart(cart_id=cart.pk).status == "open"
    assert services.reopen_cart(cart_id=cart.pk).status == "open"


def test_reopen_cart_refuses_an_ordered_cart():
    cart = CartFactory(status="completed", order_number="OR-2026-00001")

    with pytest.raises(Conflict) as error:
        services.reopen_cart(cart_id=cart.pk)

    assert error.value.code == "cart_completed"


def test_complete_cart_is_idempotent_for_one_order_number(user):
    cart = CartFactory(user=user, status="checking_out")

    first = services.complete_cart(cart_id=cart.pk, order_number="OR-2026-00001")
    again = services.complete_cart(cart_id=cart.pk, order_number="OR-2026-00001")
    with pytest.raises(Conflict) as error:
        services.complete_cart(cart_id=cart.pk, order_number="OR-2026-00002")

    assert (first.status, first.order_number) == ("completed", "OR-2026-00001")
    assert again.order_number == "OR-2026-00001"
    assert error.value.code == "cart_completed"
    # The account can start a new cart now.
    assert services.get_or_create_user_cart(user=user).pk != cart.pk


@pytest.mark.parametrize(
    "call",
    [
        lambda cart_id: services.begin_checkout(cart_id=cart_id),
        lambda cart_id: services.reopen_cart(cart_id=cart_id),
        lambda cart_id: services.complete_cart(cart_id=cart_id, order_number="OR-2026-00001"),
        lambda cart_id: services.remove_line(cart_id=cart_id, line_id=1),
    ],
)
def test_state_changes_of_an_unknown_cart(call):
    with pytest.raises(NotFound) as error:
        call(uuid.uuid4())

    assert error.value.code == "unknown_cart"


def test_stale_carts_are_deleted_but_not_one_being_checked_out(heart):
    old = timezone.now() - timedelta(days=31)
    stale_open = CartFactory()
    CartLineFactory(cart=stale_open, product=heart, quantity=1)
    stale_completed = CartFactory(status=Cart.Status.COMPLETED, order_number="OR-2026-00001")
    paying = CartFactory(status=Cart.Status.CHECKING_OUT)
    recent = CartFactory()
    Cart.objects.filter(pk__in=[stale_open.pk, stale_completed.pk, paying.pk]).update(
        updated_at=old
    )

    deleted = services.delete_stale_carts()

    assert deleted == 2
    assert set(Cart.objects.values_list("pk", flat=True)) == {paying.pk, recent.pk}
    assert CartLine.objects.count() == 0
