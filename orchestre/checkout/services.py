"""Turning a cart into a paid order (docs/adr/0008-checkout.md).

`complete_checkout` runs in three steps so that no lock and no transaction is held while the
payment provider is called:
1. one short transaction claims the cart, prices it with the pipeline (prices come from the
   database, never from the client), reserves the stock and records the order, awaiting payment;
2. the payment call, outside any transaction, keyed by the order number: a retry never
   charges twice;
3. `settle_payment`, one short transaction: paid → stock allocated, invoice, e-mail;
   declined → order cancelled, stock released, cart reopened. 3-D Secure and delayed results
   settle the same way later, from the shopper's return or the provider's webhook.
"""

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.cart import services as cart_services
from orchestre.cart.models import Cart
from orchestre.cart.selectors import get_cart
from orchestre.checkout import locks
from orchestre.checkout.errors import CheckoutInProgress, PaymentDeclined
from orchestre.checkout.models import CheckoutAttempt
from orchestre.checkout.totals import Totals, price_cart
from orchestre.core.errors import Conflict, DomainError, InvalidInput
from orchestre.customers.services import create_customer_account, record_buyer
from orchestre.inventory.errors import InsufficientStock
from orchestre.inventory.services import (
    allocate_reservations,
    release_reservations,
    reserve_stock,
)
from orchestre.orders.models import Order
from orchestre.orders.selectors import get_order_by_number
from orchestre.orders.services import (
    NewDelivery,
    NewOrderLine,
    OrderTotals,
    cancel_unpaid_order,
    mark_order_paid,
    place_order,
)
from orchestre.payments import services as payment_services
from orchestre.payments.errors import ProviderError, decline_message
from orchestre.payments.models import Payment
from orchestre.payments.selectors import get_payment_for_reference
from orchestre.shipping.addresses import validate_address
from orchestre.shipping.selectors import DeliveryOption, get_delivery_option

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,200}$")
REPLAY_WAIT_SECONDS = 15.0
UNSET = object()
UNFINISHED_PAYMENTS = (
    Payment.Status.PENDING,
    Payment.Status.REQUIRES_ACTION,
    Payment.Status.PROCESSING,
)


@dataclass(frozen=True)
class CheckoutOutcome:
    order: Order
    payment: Payment | None
    replayed: bool = False


# ---------------------------------------------------------------------------------------
# Details: e-mail, addresses, delivery method


def update_details(
    *,
    cart_id,
    email=UNSET,
    shipping_address=UNSET,
    billing_address=UNSET,
    delivery_method=UNSET,
) -> Cart:
    """Validate and store the checkout details given (the others stay as they are).

    `billing_address=None` means "same as the shipping address". Every invalid field is
    reported at once in one InvalidInput; nothing is stored unless all given fields are valid.
    A delivery method the new address cannot use is dropped."""
    cart = _open_cart(cart_id)
    errors: dict[str, list[str]] = {}
    values = {
        "email": cart.email,
        "shipping_address": cart.shipping_address,
        "billing_address": cart.billing_address,
        "delivery_method_code": cart.delivery_method_code,
    }
    if email is not UNSET:
        values["email"] = _collect(errors, lambda: _valid_email(email))
    if shipping_address is not UNSET:
        values["shipping_address"] = _collect(
            errors, lambda: _valid_address(shipping_address, "shipping_address.")
        )
    if billing_address is not UNSET:
        values["billing_address"] = (
            None
            if billing_address is None
            else _collect(errors, lambda: _valid_address(billing_address, "billing_address."))
        )
    totals = price_cart(cart)
    if delivery_method is not UNSET:
        if not values["shipping_address"]:
            errors.setdefault("delivery_method", []).append(
                _("Enter the shipping address before choosing a delivery method.")
            )
        else:
            _collect(errors, lambda: _delivery(delivery_method, values["shipping_address"], totals))
            values["delivery_method_code"] = delivery_method
    elif values["delivery_method_code"] and values["shipping_address"]:
        try:
            _delivery(values["delivery_method_code"], values["shipping_address"], totals)
        except InvalidInput:
            values["delivery_method_code"] = ""
    if errors:
        raise InvalidInput(
            _("Some details are missing or invalid."), code="invalid_details", fields=errors
        )
    return cart_services.set_checkout_details(cart_id=cart.pk, **values)


def _collect(errors: dict[str, list[str]], check):
    try:
        return check()
    except InvalidInput as error:
        for name, messages in (error.fields or {"request": [error.message]}).items():
            errors.setdefault(name, []).extend(messages)
        return None


def _valid_email(email) -> str:
    email = str(email or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            _("Enter a valid e-mail address."),
            code="invalid_email",
            fields={"email": [_("Enter a valid e-mail address, e.g. marie@example.fr.")]},
        ) from None
    return email.lower()


def _valid_address(data, prefix: str) -> dict:
    if not isinstance(data, Mapping):
        raise InvalidInput(
            _("The address is invalid."),
            code="invalid_address",
            fields={prefix.rstrip("."): [_("Send the address as an object.")]},
        )
    return validate_address(dict(data), field_prefix=prefix)


def _delivery(code: str, address: dict, totals: Totals) -> DeliveryOption:
    try:
        return get_delivery_option(
            code=str(code or ""),
            country=address["country"],
            postcode=address.get("postcode", ""),
            weight_grams=totals.weight_grams,
            order_value=totals.subtotal,
        )
    except InvalidInput as error:
        raise InvalidInput(
            error.message, code=error.code, fields={"delivery_method": [error.message]}
        ) from None


def _open_cart(cart_id) -> Cart:
    cart = get_cart(cart_id)
    if cart.status == Cart.Status.COMPLETED:
        raise Conflict(_("This cart has already been ordered."), code="cart_completed")
    if cart.status != Cart.Status.OPEN:
        raise CheckoutInProgress(_("This cart is being ordered; wait for the payment result."))
    if cart.is_expired:
        raise Conflict(_("This cart has expired; start a new one."), code="cart_expired")
    return cart


# ---------------------------------------------------------------------------------------
# Completing the purchase


def complete_checkout(
    *,
    cart_id,
    idempotency_key: str,
    payment_provider: str,
    payment_token: str,
    accept_terms: bool,
    account_password: str = "",
    user=None,
    language: str = "fr",
    shop_url: str = "",
) -> CheckoutOutcome:
    """Place the order for a cart and take the payment.

    Same `idempotency_key` again (also concurrently) → the same order, the same payment,
    never a second one. `shop_url` is where the shopper is sent back after 3-D Secure
    (default: settings.SHOP_URL). Raises InvalidInput (details, terms, key), Conflict (cart state,
    `insufficient_stock`), PaymentDeclined (402; order cancelled, cart reopened)."""
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        raise InvalidInput(
            _("Send an Idempotency-Key header of 8 to 200 letters, digits or . _ : -"),
            code="invalid_idempotency_key",
            fields={"Idempotency-Key": [_("Required: 8 to 200 letters, digits or . _ : -")]},
        )
    if accept_terms is not True:
        raise InvalidInput(
            _("Accept the terms of sale to place the order."),
            code="terms_not_accepted",
            fields={"accept_terms": [_("You must accept the terms of sale.")]},
        )
    payment_services.check_payment_method(provider=payment_provider, token=payment_token)
    get_cart(cart_id)  # unknown cart → 404 before anything is recorded
    try:
        with transaction.atomic():
            attempt = CheckoutAttempt.objects.create(
                idempotency_key=idempotency_key, cart_id=cart_id
            )
    except IntegrityError:
        return _replay(idempotency_key, cart_id)
    try:
        order = _place_order(
            attempt, user=user, account_password=account_password, language=language
        )
    except DomainError:
        # Nothing was recorded, so the key is free again (like a request never made).
        CheckoutAttempt.objects.filter(pk=attempt.pk).delete()
        raise
    try:
        payment = payment_services.start_payment(
            provider=payment_provider,
            token=payment_token,
            amount=order.total,
            currency=order.currency,
            reference=order.number,
            idempotency_key=f"{order.number}:charge",
            return_url=(shop_url or settings.SHOP_URL)
            + reverse("storefront:checkout_return", args=[order.access_token]),
        )
    except ProviderError:
        # The provider refused the request before charging anything: give everything back.
        with transaction.atomic():
            abandon_order(locks.lock_order(order.number), attempt, note="payment provider error")
            CheckoutAttempt.objects.filter(pk=attempt.pk).delete()
        raise
    order = settle_payment(payment=payment)
    return _outcome(order, payment)


def _place_order(attempt: CheckoutAttempt, *, user, account_password: str, language: str) -> Order:
    now = timezone.now()
    with transaction.atomic():
        cart = cart_services.begin_checkout(cart_id=attempt.cart_id)
        if cart.is_expired:
            raise Conflict(_("This cart has expired; start a new one."), code="cart_expired")
        totals, delivery = _checked_totals(cart)
        quantities: dict[int, int] = {}
        for line in totals.lines:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
        reserve_stock(
            reference=_stock_reference(attempt),
            quantities=quantities,
            expires_at=now + timedelta(minutes=settings.STOCK_RESERVATION_MINUTES),
        )
        # The order number comes last: on PostgreSQL its series row stays locked until
        # this transaction commits, so as little as possible runs after it.
        shipping = cart.shipping_address
        billing = cart.billing_address or shipping
        if account_password and user is None:
            user = create_customer_account(
                email=cart.email,
                password=account_password,
                first_name=billing["first_name"],
                last_name=billing["last_name"],
                language=language,
            )
        customer = record_buyer(
            email=cart.email,
            first_name=billing["first_name"],
            last_name=billing["last_name"],
            country=billing["country"],
            user=user,
        )
        order = place_order(
            email=cart.email,
            language=language,
            user=user,
            customer=customer,
            lines=[
                NewOrderLine(
                    product_id=line.product_id,
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    amount=line.amount,
                )
                for line in totals.lines
            ],
            shipping_address=shipping,
            billing_address=billing,
            delivery=NewDelivery(
                code=delivery.code,
                name=delivery.name,
                price=delivery.price,
                vat_rate=max(totals.vat_breakdown, key=lambda vat: vat.gross).rate,
                earliest=delivery.earliest,
                latest=delivery.latest,
            ),
            totals=OrderTotals(
                subtotal=totals.subtotal,
                discount_total=totals.discount_total,
                delivery_total=totals.delivery_total,
                vat_total=totals.vat_total,
                total=totals.total,
                vat_breakdown=[(vat.rate, vat.base, vat.vat) for vat in totals.vat_breakdown],
            ),
            terms_version=settings.TERMS_OF_SALE_VERSION,
            terms_accepted_at=now,
            country_code=shipping["country"],
        )
        CheckoutAttempt.objects.filter(pk=attempt.pk).update(order_number=order.number)
    return order


def _stock_reference(attempt: CheckoutAttempt | None, order: Order | None = None) -> str:
    """The stock reservations of a checkout are made before its order has a number."""
    return f"checkout-{attempt.pk}" if attempt else order.number


def _checked_totals(cart: Cart) -> tuple[Totals, DeliveryOption]:
    """The cart's totals, or one InvalidInput naming everything still missing."""
    errors: dict[str, list[str]] = {}
    totals = price_cart(cart)
    if not totals.lines:
        raise InvalidInput(_("The cart is empty."), code="empty_cart")
    if totals.unavailable_skus:
        raise InvalidInput(
            _("Some products are no longer for sale; remove them from the cart."),
            code="not_for_sale",
            fields={sku: [_("No longer for sale.")] for sku in totals.unavailable_skus},
        )
    if not cart.email:
        errors["email"] = [_("Enter your e-mail address.")]
    if not cart.shipping_address:
        errors["shipping_address"] = [_("Enter the shipping address.")]
    if not cart.delivery_method_code:
        errors["delivery_method"] = [_("Choose a delivery method.")]
    if errors:
        raise InvalidInput(
            _("Some details are missing to place the order."),
            code="incomplete_checkout",
            fields=errors,
        )
    delivery = _delivery(cart.delivery_method_code, cart.shipping_address, totals)
    return price_cart(cart, delivery=delivery), delivery


def _replay(idempotency_key: str, cart_id) -> CheckoutOutcome:
    """Answer a repeated key with what the first request did, waiting for it if needed."""
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        attempt = CheckoutAttempt.objects.filter(idempotency_key=idempotency_key).first()
        if attempt is not None and str(attempt.cart_id) != str(cart_id):
            raise Conflict(
                _("This Idempotency-Key was already used for another cart."),
                code="idempotency_key_reused",
            )
        if attempt is None:
            raise CheckoutInProgress(
                _("The first request with this key failed; correct it and send it again.")
            )
        if attempt.order_number:
            order = get_order_by_number(attempt.order_number)
            payment = get_payment_for_reference(order.number)
            if payment is not None and payment.status != Payment.Status.PENDING:
                order = settle_payment(payment=payment)
                return _outcome(order, payment, replayed=True)
        if time.monotonic() > deadline:
            raise CheckoutInProgress(
                _("This order is still being processed; try again in a moment.")
            )
        time.sleep(0.05)


def _outcome(order: Order, payment: Payment, *, replayed: bool = False) -> CheckoutOutcome:
    if payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED):
        message = decline_message(payment.failure_code)
        raise PaymentDeclined(
            message, code=payment.failure_code or "payment_declined", fields={"payment": [message]}
        )
    if order.status == Order.Status.CANCELLED:
        raise InsufficientStock(
            _("The stock ran out while the payment was confirmed; you have been refunded."),
            shortages={},
        )
    return CheckoutOutcome(order=order, payment=payment, replayed=replayed)


# ---------------------------------------------------------------------------------------
# Settling a payment result (at once, after 3-D Secure, or from a webhook)


def settle_payment(*, payment: Payment) -> Order:
    """Bring the order of `payment.reference` in line with the payment's status.

    Idempotent and safe to run concurrently (the order row is locked). Succeeded → stock
    allocated, order paid with its invoice and e-mail, cart completed; if the order was
    cancelled meanwhile or its stock is gone, the payment is refunded in full. Failed →
    order cancelled, reservations released, cart reopened. Other statuses change nothing."""
    refund = False
    with transaction.atomic():
        order = locks.lock_order(payment.reference)
        attempt = CheckoutAttempt.objects.filter(order_number=order.number).first()
        if payment.status == Payment.Status.SUCCEEDED:
            if order.status == Order.Status.AWAITING_PAYMENT:
                try:
                    with transaction.atomic():
                        allocate_reservations(
                            reference=_stock_reference(attempt, order), order_number=order.number
                        )
                        if attempt:
                            cart_services.complete_cart(
                                cart_id=attempt.cart_id, order_number=order.number
                            )
                        # Last, for the same reason as the order number: the invoice
                        # series row stays locked until commit.
                        order = mark_order_paid(
                            order_id=order.pk, payment_reference=payment.provider_payment_id
                        )
                except InsufficientStock:
                    order = abandon_order(order, attempt, note="stock ran out before payment")
                    refund = True
            elif order.status == Order.Status.CANCELLED:
                refund = True
        elif (
            payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED)
            and order.status == Order.Status.AWAITING_PAYMENT
        ):
            order = abandon_order(order, attempt, note=f"payment {payment.failure_code}")
    if refund and payment.amount_refunded < payment.amount:
        payment_services.refund_payment(
            payment_id=payment.pk,
            amount=payment.amount - payment.amount_refunded,
            idempotency_key=f"{order.number}:cancelled-refund",
        )
    return order


def abandon_order(order: Order, attempt: CheckoutAttempt | None, *, note: str) -> Order:
    """Cancel an unpaid order, release its stock and reopen its cart (order locked by the
    caller)."""
    order = cancel_unpaid_order(order_id=order.pk, reason=note)
    release_reservations(reference=_stock_reference(attempt, order))
    if attempt:
        cart_services.reopen_cart(cart_id=attempt.cart_id)
    return order


def handle_payment_webhook(
    *, provider: str, body: bytes, headers: Mapping[str, str]
) -> Order | None:
    """Verify and record a provider's webhook, then settle the order it concerns."""
    payment = payment_services.handle_webhook(provider=provider, body=body, headers=headers)
    if payment is None:
        return None
    return settle_payment(payment=payment)


def sync_order_payment(*, order: Order) -> Order:
    """Ask the provider for the payment's current status (the shopper is back from 3-D
    Secure before the webhook arrived) and settle the order accordingly; a payment that
    completes after its order was cancelled is refunded."""
    payment = get_payment_for_reference(order.number)
    unsettled = order.status == Order.Status.AWAITING_PAYMENT
    if payment is None or not (unsettled or payment.status in UNFINISHED_PAYMENTS):
        return order
    payment = payment_services.refresh_payment(payment_id=payment.pk)
    return settle_payment(payment=payment)


def cancel_abandoned_checkouts(*, now: datetime | None = None) -> int:
    """Orders still awaiting payment well after their stock reservation expired: ask the
    provider once more, then cancel those not paid (a late success is refunded by
    `settle_payment`). Run periodically by the worker."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.STOCK_RESERVATION_MINUTES * 2)
    cancelled = 0
    for order in Order.objects.filter(
        status=Order.Status.AWAITING_PAYMENT, source=Order.Source.WEB, placed_at__lt=cutoff
    ).only("pk", "number", "status"):
        order = sync_order_payment(order=order)
        if order.status != Order.Status.AWAITING_PAYMENT:
            continue
        with transaction.atomic():
            order = locks.lock_order(order.number)
            if order.status == Order.Status.AWAITING_PAYMENT:
                attempt = CheckoutAttempt.objects.filter(order_number=order.number).first()
                abandon_order(order, attempt, note="payment not completed in time")
                cancelled += 1
    return cancelled
