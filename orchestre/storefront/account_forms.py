"""Forms of the customer's account. Django forms parse and show errors; the rules (unique
e-mail, password strength, address formats) are checked once, by the customers services
and `shipping.addresses.validate_address`, whose field errors come back onto the fields."""

import hashlib
import time

from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orchestre.core.errors import DomainError, InvalidInput
from orchestre.core.outbox import enqueue_email
from orchestre.customers.selectors import username_for_email
from orchestre.shipping.addresses import country_choices, validate_address

# One reset e-mail per account and password per window: asking again at once (or a
# stranger asking for someone else's address) sends nothing more; the link already sent
# stays valid for PASSWORD_RESET_TIMEOUT.
RESET_EMAIL_WINDOW_SECONDS = 300


def lockout_message(request: HttpRequest) -> str:
    """What a locked-out visitor reads: why, and from when to try again (each try during
    the lockout starts the cool-off again, so it ends a cool-off after now)."""
    retry_at = timezone.localtime(timezone.now() + get_cool_off(request))
    return _(
        "Too many failed sign-in attempts. For your security, signing in is paused: "
        "try again after %(time)s."
    ) % {"time": formats.time_format(retry_at, "TIME_FORMAT")}


def attach_domain_error(form: forms.Form, error: DomainError) -> None:
    """Puts the error's field messages next to the form's fields, the rest on top."""
    placed = False
    for name, field_messages in error.fields.items():
        # A field that already failed its own check keeps that one message.
        if name in form.fields and name not in form.errors:
            for message in field_messages:
                form.add_error(name, message)
        placed = placed or name in form.fields
    if not placed:
        form.add_error(None, error.message)


class SignInForm(forms.Form):
    """E-mail and password: the shop's accounts are known by their e-mail address (unique),
    which customers remember better than a username."""

    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest | None = None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email = self.cleaned_data.get("email")
        password = self.cleaned_data.get("password")
        if email and password:
            # An unknown address is tried too: it takes as long, and it is locked out after
            # as many failures, so neither tells whether an account exists.
            username = username_for_email(email) or email.lower()
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                if getattr(self.request, "axes_locked_out", False):
                    raise ValidationError(lockout_message(self.request), code="locked_out")
                raise ValidationError(
                    _("This e-mail address and password do not match an account."),
                    code="invalid_login",
                )
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class SignUpForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        help_text=gettext_lazy("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), initial="FR")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of our e-mails"), choices=settings.LANGUAGES
    )
    current_password = forms.CharField(
        label=gettext_lazy("Current password"),
        required=False,
        strip=False,
        help_text=gettext_lazy("Needed only to change your e-mail address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        user = self.request.user
        email = self.cleaned_data.get("email")
        if email and email.lower() != (user.email or "").lower():
            # Through authenticate, so guessing the password here is locked out too.
            password = self.cleaned_data.get("current_password")
            if not password:
                self.add_error(
                    "current_password",
                    _("Enter your current password to change your e-mail address."),
                )
            elif (
                authenticate(self.request, username=user.get_username(), password=password) != user
            ):
                if getattr(self.request, "axes_locked_out", False):
                    raise ValidationError(lockout_message(self.request), code="locked_out")
                self.add_error("current_password", _("This password is not right."))
        return self.cleaned_data


class ShopPasswordChangeForm(PasswordChangeForm):
    """Django's password change, but the current password is checked through authenticate,
    so guessing it from a signed-in session is locked out like a sign-in."""

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked != self.user:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(self.request), code="locked_out")
            raise ValidationError(_("This password is not right."), code="password_incorrect")
        return old_password


class AddressForm(forms.Form):
    """One address of the book; every check is validate_address's, so the messages are the
    checkout's."""

    first_name = forms.CharField(label=gettext_lazy("First name"), required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), required=False)
    company = forms.CharField(label=gettext_lazy("Company (optional)"), required=False)
    line1 = forms.CharField(label=gettext_lazy("Address"), required=False)
    line2 = forms.CharField(
        label=gettext_lazy("Apartment, building, floor (optional)"), required=False
    )
    postcode = forms.CharField(label=gettext_lazy("Postcode"), required=False)
    city = forms.CharField(label=gettext_lazy("City"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone (optional)"), required=False)

    AUTOCOMPLETE = {
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *country_choices()]
        for name, autocomplete in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = autocomplete
        self.fields["phone"].widget.input_type = "tel"
        self.address: dict | None = None

    def clean(self):
        try:
            self.address = validate_address(self.cleaned_data)
        except InvalidInput as error:
            attach_domain_error(self, error)
        return self.cleaned_data


class NewAddressForm(AddressForm):
    default_shipping = forms.BooleanField(
        label=gettext_lazy("Use as my default delivery address"), required=False
    )
    default_billing = forms.BooleanField(
        label=gettext_lazy("Use as my default billing address"), required=False
    )


class ShopPasswordResetForm(PasswordResetForm):
    """Django's reset (no answer tells whether the address has an account), but the e-mail
    goes through the outbox, in the account's language, with the shop's own address."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            path = reverse(
                "storefront:password_reset_confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            )
            context = {
                **context,
                "reset_url": settings.SHOP_URL + path,
                "shop_name": settings.SHOP_NAME,
            }
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        window = int(time.time()) // RESET_EMAIL_WINDOW_SECONDS
        password_version = hashlib.sha256(user.password.encode()).hexdigest()[:12]
        with transaction.atomic():
            enqueue_email(
                key=f"password-reset:{user.pk}:{password_version}:{window}",
                to=to_email,
                subject=subject,
                text_body=body,
            )
