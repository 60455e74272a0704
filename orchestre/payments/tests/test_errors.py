import pytest
from django.utils import translation

from orchestre.payments.errors import PaymentDeclined, decline_message


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("card_declined", "Your card was declined. Please use another card."),
        ("insufficient_funds", "Your card has insufficient funds. Please use another card."),
        ("expired_card", "Your card has expired. Please use another card."),
        (
            "authentication_failed",
            "The payment was not authorised by your bank. Please try again or use another card.",
        ),
        ("do_not_honor", "The payment did not go through. Please try again or use another card."),
    ],
)
def test_a_decline_reason_in_the_shoppers_words(code, message):
    with translation.override("en"):
        assert decline_message(code) == message


def test_a_declined_payment_as_an_error_for_the_interfaces():
    with translation.override("en"):
        error = PaymentDeclined("insufficient_funds")

    assert (error.code, error.status, error.failure_code) == (
        "payment_declined",
        402,
        "insufficient_funds",
    )
    assert error.message == "Your card has insufficient funds. Please use another card."
    assert error.fields == {"payment": [error.message]}
