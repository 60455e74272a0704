import pytest

from orchestre.inventory.tests.factories import WarehouseFactory
from orchestre.ops.demo_returns import seed_returns_demo
from orchestre.returns.models import ReturnRequest
from orchestre.returns.tests.factories import delivered_order, paid_order

pytestmark = pytest.mark.django_db


def test_without_a_delivered_order_the_demo_says_so():
    paid_order()

    assert seed_returns_demo() == "No delivered web order yet: no demo return made."
    assert not ReturnRequest.objects.exists()


def test_the_demo_makes_returns_at_each_step_once():
    WarehouseFactory()
    orders = [delivered_order() for _ in range(3)]

    summary = seed_returns_demo()

    assert summary.startswith("3 demo returns: RT-")
    assert list(ReturnRequest.objects.order_by("pk").values_list("order", "status")) == [
        (orders[0].pk, "requested"),
        (orders[1].pk, "authorised"),
        (orders[2].pk, "inspected"),
    ]
    assert seed_returns_demo() == "Returns already present."
    assert ReturnRequest.objects.count() == 3
