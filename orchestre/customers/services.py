from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, InvalidInput
from orchestre.customers.models import Customer


def record_buyer(
    *, email: str, first_name: str, last_name: str, country: str, user=None
) -> Customer:
    """The customer record an order belongs to: the account's own record for a signed-in
    buyer, else the latest guest record with that e-mail, else a new one. Call inside the
    order's transaction."""
    if user is not None:
        customer = Customer.objects.filter(user=user).first()
        if customer is None:
            customer = Customer.objects.create(
                user=user,
                email=email,
                first_name=first_name,
                last_name=last_name,
                country=country,
                created_at=timezone.now(),
            )
        return customer
    customer = (
        Customer.objects.filter(email__iexact=email, user__isnull=True, is_fictitious=False)
        .order_by("-pk")
        .first()
    )
    if customer is None:
        customer = Customer.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            country=country,
            created_at=timezone.now(),
        )
    return customer


def create_customer_account(
    *, email: str, password: str, first_name: str, last_name: str, language: str
):
    """A storefront account created at checkout. Raises InvalidInput for a weak password and
    Conflict when the e-mail already has an account (the buyer should sign in instead)."""
    user_model = get_user_model()
    candidate = user_model(
        username=email.lower(), email=email.lower(), first_name=first_name, last_name=last_name
    )
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise InvalidInput(
            _("Choose a stronger password."),
            code="weak_password",
            fields={"password": error.messages},
        ) from None
    candidate.set_password(password)
    candidate.preferred_language = language
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise Conflict(
            _("An account already exists for this e-mail address: sign in to use it."),
            code="account_exists",
            fields={"email": [_("An account already exists for this e-mail address.")]},
        ) from None
    return candidate
