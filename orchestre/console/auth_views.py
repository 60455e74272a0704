"""Staff sign-in, the two-factor step, enrolment in two-factor sign-in, and sign-out.

Sign-in takes a username or an e-mail address. Every refusal reads the same ("do not match
a staff account"), whether the account is unknown, the password wrong or the account a
customer's, so the page tells nothing about which accounts exist; a customer who knows
their password is refused in the same words and the try counts towards the lockout like a
wrong password. django-axes locks one username from one address out after
AXES_FAILURE_LIMIT failures (unknown usernames included), until AXES_COOLOFF_TIME has
passed since the last try.

Two-factor sign-in is optional per staff member (TOTP, RFC 6238): the password signs the
member in, and the console gate sends anyone with a confirmed device to `verify_otp` until a
code has verified the session (django-otp). Wrong codes are throttled by the device itself
(1, 2, 4, 8 … seconds between tries)."""

import time
from base64 import b32encode
from binascii import unhexlify

import django_otp
import qrcode
import qrcode.image.svg
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from orchestre.console.access import staff_view
from orchestre.core.audit import record_change
from orchestre.customers.selectors import username_for_email

PENDING_KEY_SESSION_KEY = "console_two_factor_pending_key"


def lockout_message(request: HttpRequest) -> str:
    """What a locked-out visitor reads: why, and from when to try again (each try during
    the lockout starts the cool-off again, so it ends a cool-off after now)."""
    retry_at = timezone.localtime(timezone.now() + get_cool_off(request))
    return _(
        "Too many failed sign-in attempts. For your security, signing in is paused: "
        "try again after %(time)s."
    ) % {"time": formats.time_format(retry_at, "TIME_FORMAT")}


class StaffSignInForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
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
        identifier = self.cleaned_data.get("username", "").strip()
        password = self.cleaned_data.get("password")
        if not (identifier and password):
            return self.cleaned_data
        username = (username_for_email(identifier) if "@" in identifier else None) or identifier
        user = authenticate(self.request, username=username, password=password)
        if user is not None and not user.is_staff:
            # Counted as a failure, so a customer's right password is not told apart.
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=self.request
            )
            user = None
        if user is None:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(self.request), code="locked_out")
            raise ValidationError(
                _("This username or e-mail address and password do not match a staff account."),
                code="invalid_login",
            )
        self.user_cache = user
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(
                _("Enter the 6-digit code shown by your authenticator app."), code="format"
            )
        return code


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
@method_decorator(never_cache, name="dispatch")
class SignInView(LoginView):
    form_class = StaffSignInForm
    template_name = "console/auth/sign_in.html"
    next_page = "console:home"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_staff:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: StaffSignInForm) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
        if _confirmed_device(form.get_user()) is not None:
            return redirect_to_login(response["Location"], reverse("console:verify_otp"))
        return response

    def form_invalid(self, form: StaffSignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", "locked_out"):
            response.status_code = 429
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("console:sign_in")


@sensitive_post_parameters("code")
@never_cache
def verify_otp(request: HttpRequest) -> HttpResponse:
    """The second step for a member with a confirmed device: one code verifies the session."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("console:sign_in"))
    next_url = _safe_next(request)
    device = _confirmed_device(user)
    if device is None or user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        error, status = _check_code(device.pk, form.cleaned_data["code"])
        if error is None:
            django_otp.login(request, device)
            return redirect(next_url)
        form.add_error("code", error)
    return render(
        request, "console/auth/verify_otp.html", {"form": form, "next": next_url}, status=status
    )


@sensitive_post_parameters("code")
@staff_view(None)
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrolment: a new secret waits in the session (nothing is stored until a first code
    proves the app holds it), shown as a QR code and as text."""
    device = _confirmed_device(request.user)
    if device is not None:
        return render(
            request, "console/auth/two_factor.html", {"device": device, "form": CodeForm()}
        )
    key = request.session.get(PENDING_KEY_SESSION_KEY) or random_hex(20)
    request.session[PENDING_KEY_SESSION_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = _matching_totp(key, form.cleaned_data["code"])
        if totp is not None:
            device = _enable(request.user, key=key, totp=totp)
            del request.session[PENDING_KEY_SESSION_KEY]
            django_otp.login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("console:two_factor")
        form.add_error(
            "code",
            _("This code does not match: check the app's clock and enter the newest code."),
        )
    pending = TOTPDevice(user=request.user, key=key)
    return render(
        request,
        "console/auth/two_factor.html",
        {
            "form": form,
            "qr_svg": _qr_svg(pending.config_url),
            "secret": " ".join(_split(b32encode(unhexlify(key)).decode(), 4)),
        },
    )


@require_POST
@sensitive_post_parameters("code")
@staff_view(None)
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turns two-factor sign-in off, on a current code (a stolen session alone cannot)."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("console:two_factor")
    form = CodeForm(request.POST)
    status = 200
    if form.is_valid():
        error, status = _check_code(device.pk, form.cleaned_data["code"])
        if error is None:
            _disable(request.user, device)
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("console:two_factor")
        form.add_error("code", error)
    return render(
        request,
        "console/auth/two_factor.html",
        {"device": device, "form": form},
        status=status,
    )


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def _check_code(device_id: int, code: str) -> tuple[str | None, int]:
    """(None, 200) when `code` is right; else the error and the status to answer with.
    The device row is locked so concurrent tries cannot share one throttling slot."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_id)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            retry_at = timezone.localtime(details["locked_until"])
            return _("Too many wrong codes. Wait until %(time)s, then enter the newest code.") % {
                "time": formats.time_format(retry_at, "H:i:s")
            }, 429
        if device.verify_token(code):
            return None, 200
    return _("This code is not right: enter the newest code shown by your app."), 200


def _matching_totp(key: str, code: str) -> TOTP | None:
    """The TOTP of the secret `key` at the time step `code` matched (one step of clock
    drift either way), or None."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    return totp if totp.verify(int(code), tolerance=1) else None


def _enable(user, *, key: str, totp: TOTP) -> TOTPDevice:
    """Stores the confirmed device; its `last_t` keeps the first code from being used
    again."""
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user,
            name="authenticator",
            key=key,
            confirmed=True,
            drift=totp.drift,
            last_t=totp.t(),
        )
        record_change(actor=user, action="two_factor.enabled", target=user)
    return device


def _disable(user, device: TOTPDevice) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_change(actor=user, action="two_factor.disabled", target=user)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    # Built by qrcode from our own URL: safe to inline.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def _split(text: str, size: int) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("console:home")
