"""The customer's account, kept minimal: sign in (by e-mail), sign out, and the orders.

At sign-in the guest cart of the browser joins the account's cart (`cart.services.
merge_carts`), so nothing chosen before signing in is lost."""

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orchestre.cart.services import merge_carts
from orchestre.orders.selectors import list_orders_for_user
from orchestre.storefront.cart_session import forget_cart, guest_cart_id
from orchestre.storefront.cart_views import Notice, private_page

ORDERS_SHOWN = 100


def username_for_email(email: str) -> str | None:
    """The username of the account with this e-mail address (case aside), if any. Two
    accounts whose addresses differ only by case: the exact one."""
    usernames = dict(
        get_user_model().objects.filter(email__iexact=email).values_list("email", "username")
    )
    if len(usernames) == 1:
        return next(iter(usernames.values()))
    return usernames.get(email)


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
            username = username_for_email(email)
            if username is None:
                # Hash anyway, so the answer takes as long as for an existing account.
                get_user_model()().set_password(password)
            else:
                self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise ValidationError(
                    _("This e-mail address and password do not match an account."),
                    code="invalid_login",
                )
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "storefront/account/sign_in.html"
    redirect_authenticated_user = True
    next_page = "storefront:account_orders"

    def form_valid(self, form: SignInForm) -> HttpResponse:
        guest_id = guest_cart_id(self.request)
        response = super().form_valid(form)
        if guest_id:
            cart = merge_carts(guest_cart_id=guest_id, user=form.get_user())
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
                messages.warning(self.request, text)
        forget_cart(response)
        return response


class SignOutView(LogoutView):
    next_page = "storefront:home"


@login_required(login_url="storefront:sign_in")
@private_page
def orders(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "storefront/account/orders.html",
        {
            "orders": list_orders_for_user(request.user)[:ORDERS_SHOWN],
            "notices": Notice.from_messages(request),
        },
    )
