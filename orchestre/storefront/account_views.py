"""The customer's account: sign up, sign in (by e-mail), sign out, password reset, profile,
password change and the orders. Addresses are in account_addresses.py.

At sign-in and sign-up the guest cart of the browser joins the account's cart
(`cart.services.merge_carts`), so nothing chosen before is lost. django-axes locks an
e-mail address out from one network address after repeated failures; the sign-in page
then answers 429 and says when to try again."""

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from orchestre.cart.services import merge_carts
from orchestre.core.errors import DomainError
from orchestre.customers.services import sign_up_customer, update_profile
from orchestre.orders.selectors import list_orders_for_user
from orchestre.storefront.account_forms import (
    ProfileForm,
    ShopPasswordChangeForm,
    ShopPasswordResetForm,
    SignInForm,
    SignUpForm,
    attach_domain_error,
)
from orchestre.storefront.cart_session import forget_cart, guest_cart_id
from orchestre.storefront.cart_views import Notice, private_page

ORDERS_PER_PAGE = 20
SIGN_IN_URL = "storefront:sign_in"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in pages answer a lockout themselves (the form, the
    message saying when to retry, status 429), so their answer is kept; any other sign-in
    (the admin's) gets a short text in the same words for known and unknown accounts."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return HttpResponse(
        _("Too many failed sign-in attempts. For your security, try again later."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )


def join_guest_cart(request: HttpRequest, response: HttpResponse, user) -> None:
    """Moves the browser's guest cart into the account's, saying what the stock capped."""
    guest_id = guest_cart_id(request)
    if guest_id:
        cart = merge_carts(guest_cart_id=guest_id, user=user)
        for capped in cart.capped_lines:
            if capped.kept:
                text = _(
                    "%(name)s: your cart now holds %(kept)d instead of %(wanted)d, "
                    "the most that can be ordered now."
                ) % {"name": capped.name, "kept": capped.kept, "wanted": capped.wanted}
            else:
                text = _("%(name)s is out of stock and was left out of your cart.") % {
                    "name": capped.name
                }
            messages.warning(request, text)
    forget_cart(response)


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
@method_decorator(private_page, name="dispatch")
class SignInView(LoginView):
    form_class = SignInForm
    template_name = "storefront/account/sign_in.html"
    redirect_authenticated_user = True
    next_page = "storefront:account_orders"

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        response = super().form_valid(form)
        if user.is_staff:
            # The same inactivity limit as a console sign-in: the session reaches the console.
            self.request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
        join_guest_cart(self.request, response, user)
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", "locked_out"):
            response.status_code = 429
        return response


class SignOutView(LogoutView):
    next_page = "storefront:home"


@sensitive_post_parameters("password")
@private_page
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("storefront:account_orders")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = sign_up_customer(
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=request.LANGUAGE_CODE,
                country=data["country"],
            )
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            login(request, customer.user, backend=PASSWORD_BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            response = redirect("storefront:account_orders")
            join_guest_cart(request, response, customer.user)
            return response
    return render(request, "storefront/account/sign_up.html", {"form": form})


@method_decorator(private_page, name="dispatch")
class ResetPasswordView(PasswordResetView):
    form_class = ShopPasswordResetForm
    template_name = "storefront/account/password_reset.html"
    subject_template_name = "storefront/account/emails/password_reset_subject.txt"
    email_template_name = "storefront/account/emails/password_reset.txt"
    success_url = reverse_lazy("storefront:password_reset_done")


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/account/password_reset_done.html")


class ShopSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True):
        user = super().save(commit)
        # Whoever holds the e-mailed link owns the account: past failures no longer count.
        reset_sign_in_failures(username=user.get_username())
        return user


@method_decorator(private_page, name="dispatch")
class ResetPasswordConfirmView(PasswordResetConfirmView):
    form_class = ShopSetPasswordForm
    template_name = "storefront/account/password_reset_confirm.html"
    success_url = reverse_lazy("storefront:password_reset_complete")


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/account/password_reset_complete.html")


@login_required(login_url=SIGN_IN_URL)
@private_page
def orders(request: HttpRequest) -> HttpResponse:
    page = Paginator(list_orders_for_user(request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "storefront/account/orders.html",
        {"page": page, "orders": page.object_list, "notices": Notice.from_messages(request)},
    )


@sensitive_post_parameters("current_password")
@login_required(login_url=SIGN_IN_URL)
@private_page
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        request=request,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "language": user.preferred_language,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_profile(
                user_id=user.pk,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                language=data["language"],
            )
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("storefront:account_profile")
    if form.has_error("__all__", "locked_out"):
        status = 429
    return render(
        request,
        "storefront/account/profile.html",
        {"form": form, "notices": Notice.from_messages(request)},
        status=status,
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required(login_url=SIGN_IN_URL)
@private_page
def password_change(request: HttpRequest) -> HttpResponse:
    form = ShopPasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Keeps this session signed in; the account's other sessions end.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("storefront:account_profile")
    status = 429 if form.has_error("old_password", "locked_out") else 200
    return render(request, "storefront/account/password_change.html", {"form": form}, status=status)
