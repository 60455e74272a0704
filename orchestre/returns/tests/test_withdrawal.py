"""The withdrawal right: who may withdraw, when, for what, and the acknowledgement."""

import datetime

import pytest
from django.utils import timezone

from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.orders.tests.factories import place_test_order
from orchestre.returns.errors import InvalidReturnLines, WithdrawalClosed
from orchestre.returns.models import ReturnLine, ReturnRequest
from orchestre.returns.policy import withdrawal_deadline
from orchestre.returns.services import create_return, request_withdrawal
from orchestre.returns.tests.factories import all_quantities, delivered_order, paid_order
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def test_a_whole_withdrawal_is_numbered_recorded_and_acknowledged_at_once():
    order = delivered_order()
    year = timezone.localdate().year

    request = request_withdrawal(
        order_id=order.pk, quantities=all_quantities(order), reason="Trop petit"
    )

    assert request.number == f"RT-{year}-00001"
    assert (request.status, request.origin, request.is_withdrawal) == (
        "requested",
        "customer",
        True,
    )
    assert [(line.sku, line.quantity) for line in request.lines.all()] == [
        ("85123A", 2),
        ("37370", 1),
        ("22988", 1),
    ]
    # The statement is the model form filled in, in the order's language (French).
    lines = request.statement.splitlines()
    assert lines[1] == (
        "Je vous notifie par la présente ma rétractation du contrat portant sur la vente du "
        "bien ci-dessous\u00a0:"
    )
    assert lines[2] == "- 2 × Photophore cœur blanc (Référence 85123A)"
    assert "Camille Durand, 3 place Bellecour, 69002 Lyon, France" in request.statement
    assert "Trop petit" in request.statement
    message = OutboxMessage.objects.get(key=f"return-acknowledgement:{request.number}")
    payload = message.payload
    assert payload["to"] == "camille.durand@example.org"
    assert request.number in payload["subject"]
    assert request.statement in payload["text_body"]
    assert "Photophore cœur blanc" in payload["html_body"]
    assert "Camille Durand" in payload["html_body"]


def test_a_partial_withdrawal_leaves_the_rest_returnable():
    order = delivered_order()
    heart, mug, book = order.product_lines

    first = request_withdrawal(order_id=order.pk, quantities={heart.pk: 1})
    second = request_withdrawal(order_id=order.pk, quantities={heart.pk: 1, book.pk: 1})

    assert [line.quantity for line in first.lines.all()] == [1]
    assert [line.quantity for line in second.lines.all()] == [1, 1]
    with pytest.raises(InvalidReturnLines) as raised:
        request_withdrawal(order_id=order.pk, quantities={heart.pk: 1})
    assert raised.value.fields == {f"line-{heart.pk}": ["Enter a whole number from 0 to 0."]}
    assert ReturnRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("quantities", "field", "message"),
    [
        ({"heart": 3}, "heart", "Enter a whole number from 0 to 2."),
        ({"heart": -1}, "heart", "Enter a whole number from 0 to 2."),
        ({"heart": "2"}, "heart", "Enter a whole number from 0 to 2."),
        ({}, "__all__", "Choose at least one item to return."),
        ({"heart": 0}, "__all__", "Choose at least one item to return."),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_written(quantities, field, message):
    order = delivered_order()
    heart = order.product_lines[0]
    chosen = {heart.pk if key == "heart" else key: value for key, value in quantities.items()}

    with pytest.raises(InvalidReturnLines) as raised:
        request_withdrawal(order_id=order.pk, quantities=chosen)

    key = f"line-{heart.pk}" if field == "heart" else field
    assert raised.value.fields == {key: [message]}
    assert ReturnRequest.objects.count() == 0
    assert ReturnLine.objects.count() == 0
    assert not OutboxMessage.objects.filter(key__startswith="return-").exists()


def test_a_line_of_another_order_is_refused():
    order = delivered_order()
    other = delivered_order()

    with pytest.raises(InvalidReturnLines) as raised:
        request_withdrawal(order_id=order.pk, quantities={other.product_lines[0].pk: 1})

    assert raised.value.fields["__all__"] == [
        f"These lines are not part of this order or return: {other.product_lines[0].pk}."
    ]
    assert ReturnRequest.objects.count() == 0


def test_withdrawal_is_open_before_delivery():
    order = paid_order()

    request = request_withdrawal(order_id=order.pk, quantities=all_quantities(order))

    assert request.is_withdrawal is True


def test_an_unpaid_order_cannot_be_withdrawn_from():
    order = place_test_order()

    with pytest.raises(WithdrawalClosed) as raised:
        request_withdrawal(order_id=order.pk, quantities=all_quantities(order))

    assert raised.value.message == "The order is not paid yet: there is nothing to withdraw from."
    assert ReturnRequest.objects.count() == 0


def test_after_the_period_the_customer_is_told_why_and_staff_may_still_take_it_back():
    order = delivered_order(days_ago=40)
    staff = staff_member("customer-service")

    with pytest.raises(WithdrawalClosed) as raised:
        request_withdrawal(order_id=order.pk, quantities=all_quantities(order))

    assert raised.value.code == "withdrawal_closed"
    assert raised.value.message.startswith("The 14-day withdrawal period ended on ")
    assert ReturnRequest.objects.count() == 0
    request = create_return(
        order_id=order.pk, quantities=all_quantities(order), reason="Geste", actor=staff
    )
    assert (request.origin, request.is_withdrawal, request.created_by) == ("staff", False, staff)
    entry = AuditEntry.objects.get(action="return.created")
    assert (entry.actor, entry.target_label) == (staff, request.number)


def test_the_deadline_is_14_days_after_delivery_moved_past_weekends_and_holidays():
    # Delivered Wed 2 Dec 2026 → Wed 16 Dec; delivered Sat 12 Dec → Sat 26 → Mon 28 Dec;
    # delivered Fri 18 Dec → Fri 1 Jan (public holiday) → Mon 4 Jan 2027.
    assert withdrawal_deadline(datetime.date(2026, 12, 2)) == datetime.date(2026, 12, 16)
    assert withdrawal_deadline(datetime.date(2026, 12, 12)) == datetime.date(2026, 12, 28)
    assert withdrawal_deadline(datetime.date(2026, 12, 18)) == datetime.date(2027, 1, 4)
