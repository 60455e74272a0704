import threading

import pytest
from django.db import connection

from orchestre.core.errors import InvalidInput
from orchestre.orders.errors import IllegalTransition, OrderAlreadyPaid, UnknownOrder
from orchestre.orders.models import Order, OrderStatusChange
from orchestre.orders.services import cancel_unpaid_order, transition_order
from orchestre.orders.states import TRANSITIONS
from orchestre.orders.tests.factories import paid_test_order, place_test_order

pytestmark = pytest.mark.django_db

Status = Order.Status

LEGAL = {
    ("awaiting_payment", "paid"),
    ("awaiting_payment", "cancelled"),
    ("paid", "in_preparation"),
    ("paid", "cancelled"),
    ("paid", "refunded"),
    ("paid", "partially_refunded"),
    ("in_preparation", "shipped"),
    ("in_preparation", "cancelled"),
    ("in_preparation", "refunded"),
    ("in_preparation", "partially_refunded"),
    ("shipped", "delivered"),
    ("shipped", "refunded"),
    ("shipped", "partially_refunded"),
    ("delivered", "refunded"),
    ("delivered", "partially_refunded"),
    ("partially_refunded", "refunded"),
    ("partially_refunded", "partially_refunded"),
}


def history(order) -> list[tuple[str, str, str]]:
    return list(
        OrderStatusChange.objects.filter(order=order)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "note")
    )


def test_the_state_machine_is_the_documented_one():
    assert {
        (source, target) for source, targets in TRANSITIONS.items() for target in targets
    } == LEGAL
    assert set(TRANSITIONS) == set(Status.values)


def test_a_paid_order_goes_all_the_way_to_delivered_with_its_history():
    order = paid_test_order()

    for status in ("in_preparation", "shipped", "delivered"):
        order = transition_order(order_id=order.pk, to=status, note=f"to {status}")

    assert order.status == Status.DELIVERED
    assert history(order) == [
        ("", "awaiting_payment", ""),
        ("awaiting_payment", "paid", "payment pi_sandbox_1"),
        ("paid", "in_preparation", "to in_preparation"),
        ("in_preparation", "shipped", "to shipped"),
        ("shipped", "delivered", "to delivered"),
    ]


def test_partial_refunds_can_follow_each_other_then_a_full_refund():
    order = paid_test_order()

    transition_order(order_id=order.pk, to="partially_refunded")
    transition_order(order_id=order.pk, to="partially_refunded")
    order = transition_order(order_id=order.pk, to="refunded")

    assert order.status == Status.REFUNDED
    assert [step[:2] for step in history(order)][-3:] == [
        ("paid", "partially_refunded"),
        ("partially_refunded", "partially_refunded"),
        ("partially_refunded", "refunded"),
    ]


@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        ([], "shipped", "An order cannot go from “Awaiting payment” to “Shipped”."),
        (
            ["in_preparation", "shipped"],
            "cancelled",
            "An order cannot go from “Shipped” to “Cancelled”.",
        ),
        (
            ["in_preparation", "shipped", "delivered"],
            "in_preparation",
            "An order cannot go from “Delivered” to “In preparation”.",
        ),
        (
            ["refunded"],
            "partially_refunded",
            "An order cannot go from “Refunded” to “Partially refunded”.",
        ),
    ],
)
def test_an_illegal_transition_is_refused_and_changes_nothing(path, target, message):
    order = paid_test_order() if path else place_test_order()
    for status in path:
        transition_order(order_id=order.pk, to=status)
    before = (Order.objects.get(pk=order.pk).status, history(order))

    with pytest.raises(IllegalTransition) as error:
        transition_order(order_id=order.pk, to=target)

    assert error.value.code == "illegal_transition"
    assert error.value.status == 409
    assert error.value.message == message
    assert (error.value.from_status, error.value.to_status) == (before[0], target)
    assert (Order.objects.get(pk=order.pk).status, history(order)) == before


def test_a_cancelled_order_stays_cancelled():
    order = place_test_order()
    cancel_unpaid_order(order_id=order.pk, reason="card declined")

    for target in Status.values:
        if target == "paid":
            continue
        with pytest.raises(IllegalTransition):
            transition_order(order_id=order.pk, to=target)

    assert Order.objects.get(pk=order.pk).status == Status.CANCELLED


def test_paid_is_set_only_by_recording_the_payment():
    order = place_test_order()

    with pytest.raises(InvalidInput) as error:
        transition_order(order_id=order.pk, to="paid")

    assert error.value.code == "payment_not_recorded"
    assert Order.objects.get(pk=order.pk).status == Status.AWAITING_PAYMENT


def test_an_unknown_status_or_order_is_refused():
    order = place_test_order()

    with pytest.raises(InvalidInput) as error:
        transition_order(order_id=order.pk, to="lost")
    assert (error.value.code, error.value.message) == (
        "unknown_status",
        "“lost” is not an order status.",
    )
    with pytest.raises(UnknownOrder) as missing:
        transition_order(order_id=order.pk + 1, to="shipped")
    assert (missing.value.code, missing.value.status) == ("unknown_order", 404)
    assert len(history(order)) == 1


def test_cancel_unpaid_order_records_the_reason_and_is_idempotent():
    order = place_test_order()

    cancelled = cancel_unpaid_order(order_id=order.pk, reason="payment card_declined")
    again = cancel_unpaid_order(order_id=order.pk, reason="reservation expired")

    assert (cancelled.status, again.status) == (Status.CANCELLED, Status.CANCELLED)
    assert history(order) == [
        ("", "awaiting_payment", ""),
        ("awaiting_payment", "cancelled", "payment card_declined"),
    ]


@pytest.mark.parametrize("path", [[], ["in_preparation"], ["in_preparation", "cancelled"]])
def test_cancel_unpaid_order_refuses_a_paid_order(path):
    order = paid_test_order()
    for status in path:
        transition_order(order_id=order.pk, to=status)
    before = (Order.objects.get(pk=order.pk).status, history(order))

    with pytest.raises(OrderAlreadyPaid) as error:
        cancel_unpaid_order(order_id=order.pk, reason="reservation expired")

    assert (error.value.code, error.value.status) == ("order_paid", 409)
    assert error.value.message == "This order is paid: cancelling it requires a refund."
    assert (Order.objects.get(pk=order.pk).status, history(order)) == before


@pytest.mark.django_db(transaction=True)
def test_of_concurrent_identical_changes_exactly_one_applies():
    order = paid_test_order()
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def ship() -> None:
        barrier.wait()
        try:
            transition_order(order_id=order.pk, to="in_preparation")
            outcomes.append("changed")
        except IllegalTransition as error:
            outcomes.append(error.from_status)
        finally:
            connection.close()

    threads = [threading.Thread(target=ship) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["changed"] + ["in_preparation"] * 11
    assert [step[:2] for step in history(order)] == [
        ("", "awaiting_payment"),
        ("awaiting_payment", "paid"),
        ("paid", "in_preparation"),
    ]
