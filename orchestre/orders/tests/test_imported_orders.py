import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from orchestre.orders.models import Order
from orchestre.orders.selectors import list_orders_for_user
from orchestre.orders.tests.factories import (
    ImportedOrderFactory,
    OrderLineFactory,
    place_test_order,
)
from orchestre.users.models import User

pytestmark = pytest.mark.django_db

migration = importlib.import_module("orchestre.orders.migrations.0003_imported_orders_delivered")


def test_the_data_migration_marks_imported_orders_delivered_and_nothing_else():
    imported = ImportedOrderFactory(status="awaiting_payment")
    OrderLineFactory(order=imported)
    web = place_test_order()

    migration.imported_orders_are_delivered(apps, None)

    assert Order.objects.get(pk=imported.pk).status == "delivered"
    assert Order.objects.get(pk=web.pk).status == "awaiting_payment"


def test_imported_orders_need_no_token_nor_web_details():
    order = ImportedOrderFactory(status="delivered")
    line = OrderLineFactory(order=order)

    order.refresh_from_db()
    assert (order.access_token, order.shipping_address, order.vat_breakdown) == (None, None, [])
    assert line.vat_rate is None


def test_a_web_order_without_token_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportedOrderFactory(source="web")


def test_a_signed_in_buyer_lists_only_their_web_orders(django_assert_num_queries):
    camille = User.objects.create(username="camille", email="camille@example.org")
    other = User.objects.create(username="other", email="other@example.org")
    first = place_test_order(user=camille)
    second = place_test_order(user=camille)
    place_test_order(user=other)
    place_test_order()

    with django_assert_num_queries(2):
        orders = list(list_orders_for_user(camille))
        lines = [len(order.lines.all()) for order in orders]

    assert [order.pk for order in orders] == [second.pk, first.pk]
    assert lines == [4, 4]
    assert list(list_orders_for_user(None)) == []
