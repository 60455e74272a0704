"""Parsing and redisplaying the checkout form. Django forms only carry the values and show
the errors: every rule (e-mail, postcodes, delivery, terms) is checked once, by the
checkout services, whose field errors are mapped back onto these fields."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from orchestre.core.errors import DomainError
from orchestre.shipping.addresses import country_choices

ADDRESS_AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "company": "organization",
    "line1": "address-line1",
    "line2": "address-line2",
    "postcode": "postal-code",
    "city": "address-level2",
    "country": "country",
    "phone": "tel",
}


class AddressForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    company = forms.CharField(label=_("Company (optional)"), max_length=120, required=False)
    line1 = forms.CharField(label=_("Address"), max_length=120, required=False)
    line2 = forms.CharField(
        label=_("Apartment, building, floor (optional)"), max_length=120, required=False
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    phone = forms.CharField(
        label=_("Phone (optional, for the carrier)"), max_length=30, required=False
    )

    def __init__(self, *args, section: str, **kwargs):
        super().__init__(*args, prefix=section, **kwargs)
        self.fields["country"].choices = country_choices()
        for name, field in self.fields.items():
            field.widget.attrs["autocomplete"] = f"{section} {ADDRESS_AUTOCOMPLETE[name]}"
        self.fields["phone"].widget.input_type = "tel"

    def values(self) -> dict:
        return {name: (self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields}


class DetailsForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("For the order confirmation and the invoice."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    billing_same = forms.BooleanField(
        label=_("The billing address is the shipping address"), required=False
    )
    create_account = forms.BooleanField(
        label=_("Create an account to follow my orders (optional)"), required=False
    )
    account_password = forms.CharField(
        label=_("Password for the account"),
        required=False,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(required=False)


class CheckoutForm:
    """The three forms of the page, read from a cart (GET) or a submission (POST)."""

    def __init__(self, data: dict | None, *, initial: dict | None = None):
        initial = initial or {}
        self.contact_form = DetailsForm(data, initial=initial.get("details"))
        self.shipping_form = AddressForm(data, initial=initial.get("shipping"), section="shipping")
        self.billing_form = AddressForm(data, initial=initial.get("billing"), section="billing")
        data = data or {}
        self.delivery_method = (
            data.get("delivery_method") or initial.get("delivery_method") or ""
        ).strip()
        self.payment_token = (data.get("payment_token") or "tok_success").strip()
        self.idempotency_key = (data.get("idempotency_key") or uuid.uuid4().hex).strip()
        self.errors: dict[str, list[str]] = {}
        self.message = ""

    @classmethod
    def from_cart(cls, cart, user) -> "CheckoutForm":
        email = cart.email or (user.email if user.is_authenticated else "") or ""
        shipping = cart.shipping_address or {"country": "FR"}
        return cls(
            None,
            initial={
                "details": {"email": email, "billing_same": cart.billing_address is None},
                "shipping": shipping,
                "billing": cart.billing_address or {"country": shipping.get("country", "FR")},
                "delivery_method": cart.delivery_method_code,
            },
        )

    @classmethod
    def from_post(cls, data) -> "CheckoutForm":
        return cls(data)

    def _value(self, name: str) -> str:
        if self.contact_form.is_bound:
            return (self.contact_form.data.get(name) or "").strip()
        return str(self.contact_form.initial.get(name) or "")

    @property
    def shipping(self) -> dict:
        if self.shipping_form.is_bound:
            return self.shipping_form.values()
        return dict(self.shipping_form.initial)

    @property
    def billing_same(self) -> bool:
        if self.contact_form.is_bound:
            return self.contact_form.data.get("billing_same") == "on"
        return bool(self.contact_form.initial.get("billing_same", True))

    @property
    def accept_terms(self) -> bool:
        return self.contact_form.is_bound and self.contact_form.data.get("accept_terms") == "on"

    @property
    def account_password(self) -> str:
        if self.contact_form.is_bound and self.contact_form.data.get("create_account") == "on":
            return self.contact_form.data.get("account_password") or ""
        return ""

    def details(self) -> dict:
        return {
            "email": self._value("email"),
            "shipping_address": self.shipping_form.values(),
            "billing_address": None if self.billing_same else self.billing_form.values(),
            "delivery_method": self.delivery_method,
        }

    @property
    def has_errors(self) -> bool:
        bound = [form for form in self.forms if form.is_bound]
        return bool(self.errors or self.message or any(form.errors for form in bound))

    @property
    def forms(self) -> tuple[forms.Form, ...]:
        return (self.contact_form, self.shipping_form, self.billing_form)

    def renew_idempotency_key(self) -> None:
        self.idempotency_key = uuid.uuid4().hex

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def add_domain_error(self, error: DomainError) -> None:
        self.message = error.message
        for name, field_messages in error.fields.items():
            for message in field_messages:
                self._attach(name, message)

    def _attach(self, name: str, message: str) -> None:
        section, _dot, field = name.partition(".")
        targets = {"shipping_address": self.shipping_form, "billing_address": self.billing_form}
        if section in targets and field in targets[section].fields:
            targets[section].add_error(field, message)
        elif name in ("email", "account_password"):
            self.contact_form.add_error(name, message)
        elif name == "password":
            self.contact_form.add_error("account_password", message)
        else:
            self.add_error(name, message)
