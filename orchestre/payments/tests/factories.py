from decimal import Decimal

import factory

from orchestre.payments.models import Payment, Refund


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    provider = "sandbox"
    reference = factory.Sequence(lambda number: f"OR-2026-{number:05d}")
    amount = Decimal("42.50")
    currency = "EUR"
    status = Payment.Status.SUCCEEDED
    idempotency_key = factory.Sequence(lambda number: f"payment-{number}")
    provider_payment_id = factory.Sequence(lambda number: f"ch_sbx_{number:024x}")


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory)
    amount = Decimal("10.00")
    idempotency_key = factory.Sequence(lambda number: f"refund-{number}")
    status = Refund.Status.SUCCEEDED
