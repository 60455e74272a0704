from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.errors import Conflict, InvalidInput
from orchestre.customers.errors import AddressBookFull, UnknownAddress
from orchestre.customers.locks import lock_customer
from orchestre.customers.models import ADDRESS_FIELDS, Address, Customer

NAME_MAX_LENGTH = 80
# Enough for home, work, family and friends; a limit keeps one account from filling the
# table.
ADDRESS_BOOK_LIMIT = 20
DEFAULT_FLAGS = {"shipping": "is_default_shipping", "billing": "is_default_billing"}


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
    # The username is set after the check: it is the e-mail, so a password too like it is
    # reported as too like the e-mail address, the field the customer knows.
    candidate = user_model(email=email.lower(), first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise InvalidInput(
            _("Choose a stronger password."),
            code="weak_password",
            fields={"password": error.messages},
        ) from None
    candidate.username = candidate.email
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


def sign_up_customer(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    language: str,
    country: str,
) -> Customer:
    """A new storefront account and its customer record, created together or not at all.

    Never links earlier guest orders placed with the same e-mail (that would hand them to
    whoever signs up first with an unverified address). Raises InvalidInput
    (`invalid_account`, `weak_password`) naming the bad fields, and Conflict
    (`account_exists`) when an account already uses the e-mail, whatever its case."""
    values = _clean_account_fields(
        email=email, first_name=first_name, last_name=last_name, language=language
    )
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        raise InvalidInput(
            _("Choose a country."),
            code="invalid_account",
            fields={"country": [_("Choose a country.")]},
        )
    with transaction.atomic():
        if get_user_model().objects.filter(email__iexact=values["email"]).exists():
            raise _account_exists()
        user = create_customer_account(password=password, **values)
        return Customer.objects.create(
            user=user,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            country=country.upper(),
            created_at=timezone.now(),
        )


def update_profile(*, user_id: int, first_name: str, last_name: str, email: str, language: str):
    """Changes the account's names, e-mail address and preferred language, and copies the
    names and e-mail onto its customer record. An account known by its e-mail (username
    equal to it) is renamed with it, so the old address is free for someone else.

    The caller checks the current password before an e-mail change. Raises InvalidInput
    (`invalid_account`) naming the bad fields, Conflict (`account_exists`) when another
    account uses the e-mail. Locks the user row."""
    values = _clean_account_fields(
        email=email, first_name=first_name, last_name=last_name, language=language
    )
    user_model = get_user_model()
    try:
        with transaction.atomic():
            user = user_model.objects.select_for_update().get(pk=user_id)
            if (
                user_model.objects.filter(email__iexact=values["email"])
                .exclude(pk=user.pk)
                .exists()
            ):
                raise _account_exists()
            if user.email and user.username.lower() == user.email.lower():
                user.username = values["email"]
            user.email = values["email"]
            user.first_name = values["first_name"]
            user.last_name = values["last_name"]
            user.preferred_language = values["language"]
            user.save(
                update_fields=["username", "email", "first_name", "last_name", "preferred_language"]
            )
            Customer.objects.filter(user=user).update(
                email=user.email, first_name=user.first_name, last_name=user.last_name
            )
    except IntegrityError:
        raise _account_exists() from None
    return user


def customer_for_account(*, user, country: str) -> Customer:
    """The customer record of a signed-in account, created from the account's names and
    e-mail (and `country`) when it has none yet. Safe under concurrent calls: the record is
    unique per account."""
    customer = Customer.objects.filter(user=user).first()
    if customer is not None:
        return customer
    try:
        with transaction.atomic():
            return Customer.objects.create(
                user=user,
                email=user.email or "",
                first_name=user.first_name,
                last_name=user.last_name,
                country=country,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return Customer.objects.get(user=user)


def create_address(
    *,
    customer_id: int,
    address: dict,
    default_shipping: bool = False,
    default_billing: bool = False,
) -> Address:
    """Adds an address, already validated by `shipping.addresses.validate_address`, to the
    customer's book. The first address becomes the default for delivery and billing; a
    default flag moves the default to it. Locks the customer. Raises UnknownAddress for an
    unknown customer and AddressBookFull past ADDRESS_BOOK_LIMIT addresses."""
    with transaction.atomic():
        lock_customer(customer_id)
        count = Address.objects.filter(customer_id=customer_id).count()
        if count >= ADDRESS_BOOK_LIMIT:
            raise AddressBookFull(ADDRESS_BOOK_LIMIT)
        defaults = {
            "shipping": default_shipping or count == 0,
            "billing": default_billing or count == 0,
        }
        _clear_defaults(customer_id, [kind for kind, wanted in defaults.items() if wanted])
        return Address.objects.create(
            customer_id=customer_id,
            is_default_shipping=defaults["shipping"],
            is_default_billing=defaults["billing"],
            **{field: address[field] for field in ADDRESS_FIELDS},
        )


def update_address(*, customer_id: int, address_id: int, address: dict) -> Address:
    """Replaces the fields of one of the customer's addresses (validated by the caller, as
    for create_address); its default flags stay. Locks the customer. Raises UnknownAddress
    for an address that is not the customer's."""
    with transaction.atomic():
        lock_customer(customer_id)
        record = _address_of(customer_id, address_id)
        for field in ADDRESS_FIELDS:
            setattr(record, field, address[field])
        record.save()
        return record


def delete_address(*, customer_id: int, address_id: int) -> None:
    """Deletes one of the customer's addresses. A deleted default passes to the newest
    remaining address, so a book with addresses always has both defaults. Locks the
    customer. Raises UnknownAddress for an address that is not the customer's."""
    with transaction.atomic():
        lock_customer(customer_id)
        record = _address_of(customer_id, address_id)
        record.delete()
        newest = (
            Address.objects.filter(customer_id=customer_id).order_by("-created_at", "-pk").first()
        )
        inherited = [flag for flag in DEFAULT_FLAGS.values() if getattr(record, flag)]
        if newest is not None and inherited:
            Address.objects.filter(pk=newest.pk).update(**dict.fromkeys(inherited, True))


def set_default_address(*, customer_id: int, address_id: int, kind: str) -> Address:
    """Makes one of the customer's addresses the default for `kind` ("shipping" or
    "billing"). Locks the customer. Raises InvalidInput for another kind, UnknownAddress
    for an address that is not the customer's."""
    if kind not in DEFAULT_FLAGS:
        raise InvalidInput(_("Choose delivery or billing."), code="invalid_default_kind")
    with transaction.atomic():
        lock_customer(customer_id)
        record = _address_of(customer_id, address_id)
        _clear_defaults(customer_id, [kind])
        setattr(record, DEFAULT_FLAGS[kind], True)
        record.save(update_fields=[DEFAULT_FLAGS[kind], "updated_at"])
        return record


def _address_of(customer_id: int, address_id: int) -> Address:
    record = Address.objects.filter(customer_id=customer_id, pk=address_id).first()
    if record is None:
        raise UnknownAddress()
    return record


def _clear_defaults(customer_id: int, kinds: list[str]) -> None:
    """Clears the default flags of `kinds` on the customer's book, so the one address that
    takes them next does not break the one-default constraints."""
    condition = Q()
    for kind in kinds:
        condition |= Q(**{DEFAULT_FLAGS[kind]: True})
    if kinds:
        Address.objects.filter(condition, customer_id=customer_id).update(
            **{DEFAULT_FLAGS[kind]: False for kind in kinds}
        )


def _clean_account_fields(*, email: str, first_name: str, last_name: str, language: str) -> dict:
    """The account fields, trimmed (the e-mail in lower case), or InvalidInput naming every
    bad one."""
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address, e.g. marie@example.fr.")]
    names = {"first_name": (first_name or "").strip(), "last_name": (last_name or "").strip()}
    required = {
        "first_name": _("Enter your first name."),
        "last_name": _("Enter your last name."),
    }
    for field, value in names.items():
        if not value:
            errors[field] = [required[field]]
        elif len(value) > NAME_MAX_LENGTH:
            errors[field] = [
                _("Enter at most %(limit)d characters (you entered %(count)d).")
                % {"limit": NAME_MAX_LENGTH, "count": len(value)}
            ]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose a language from the list.")]
    if errors:
        raise InvalidInput(
            _("Check the form: some fields need correcting."),
            code="invalid_account",
            fields=errors,
        )
    return {"email": email, "language": language, **names}


def _account_exists() -> Conflict:
    return Conflict(
        _("An account already exists for this e-mail address: sign in to use it."),
        code="account_exists",
        fields={"email": [_("An account already exists for this e-mail address.")]},
    )
