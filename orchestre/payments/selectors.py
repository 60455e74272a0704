"""Payment reads."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from orchestre.core.errors import NotFound
from orchestre.payments.models import Payment


def get_payment(payment_id: int) -> Payment:
    """The payment; raises NotFound (unknown_payment)."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("No such payment."), code="unknown_payment")
    return payment


def get_payment_for_reference(reference: str) -> Payment | None:
    """The payment of an order number: its succeeded payment if there is one, else its
    most recent attempt; None when it has none. One query."""
    succeeded_first = Case(
        When(status=Payment.Status.SUCCEEDED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Payment.objects.filter(reference=reference)
        .order_by(succeeded_first, "-created_at", "-pk")
        .first()
    )
