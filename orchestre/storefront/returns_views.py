"""Withdrawal from an order (French consumer code L221-18), the return's page and its
credit note (HTML and PDF). Like the order page, every page is reached through the order's
access token: private, never cached, never indexed, and a return or credit note of another
order is a 404."""

from functools import wraps

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from orchestre.core.errors import DomainError, NotFound
from orchestre.orders.models import Order
from orchestre.orders.selectors import get_order_by_token
from orchestre.returns.credit_note_pdf import render_credit_note_pdf
from orchestre.returns.documents import credit_note_facts, credit_note_mentions
from orchestre.returns.policy import withdrawal_window
from orchestre.returns.selectors import (
    delivered_at,
    get_credit_note_for_order,
    get_return_for_order,
    returnable_lines,
)
from orchestre.returns.services import MAX_REASON, request_withdrawal


def private(view):
    """`Cache-Control: private, no-store`, `X-Robots-Tag: noindex`, and a 404 for an unknown
    token, return or credit note."""

    @cache_control(private=True, no_store=True)
    @wraps(view)
    def private_view(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        try:
            response = view(request, get_order_by_token(token), **kwargs)
        except NotFound:
            raise Http404("unknown order, return or credit note") from None
        response["X-Robots-Tag"] = "noindex"
        return response

    return private_view


class WithdrawalForm(forms.Form):
    """One quantity field per product line still returnable, and the optional reason."""

    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("You do not have to give a reason to withdraw."),
    )

    def __init__(self, *args, returnable, **kwargs):
        super().__init__(*args, **kwargs)
        self.returnable = returnable
        for item in returnable:
            self.fields[f"line-{item.line.pk}"] = forms.IntegerField(
                label=item.line.description,
                min_value=0,
                max_value=item.remaining,
                initial=item.remaining,
                required=False,
            )

    def quantities(self) -> dict[int, int]:
        return {
            item.line.pk: self.cleaned_data.get(f"line-{item.line.pk}") or 0
            for item in self.returnable
        }

    def rows(self):
        return [(item, self[f"line-{item.line.pk}"]) for item in self.returnable]


@private
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, order: Order) -> HttpResponse:
    """Choose the items (all by default) and an optional reason, review the statement,
    confirm. While the period is closed the page says why."""
    window = withdrawal_window(order, delivered_at=delivered_at(order))
    returnable = [item for item in returnable_lines(order) if item.remaining]
    context = {"order": order, "window": window, "returnable": returnable}
    if not window.is_open or not returnable:
        return render(request, "storefront/returns/closed.html", context)
    if request.method != "POST":
        context["form"] = WithdrawalForm(returnable=returnable)
        return render(request, "storefront/returns/withdraw.html", context)
    form = WithdrawalForm(request.POST, returnable=returnable)
    context["form"] = form
    if form.is_valid() and not any(form.quantities().values()):
        form.add_error(None, _("Choose at least one item to return."))
    if not form.is_valid():
        return render(request, "storefront/returns/withdraw.html", context, status=400)
    if request.POST.get("step") != "confirm":
        chosen = [(item, form.quantities()[item.line.pk]) for item in returnable]
        context["chosen"] = [(item, count) for item, count in chosen if count]
        return render(request, "storefront/returns/confirm.html", context)
    try:
        created = request_withdrawal(
            order_id=order.pk, quantities=form.quantities(), reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        _show_errors(form, error)
        return render(request, "storefront/returns/withdraw.html", context, status=error.status)
    return redirect("storefront:return", token=order.access_token, number=created.number)


@private
@require_safe
def return_page(request: HttpRequest, order: Order, number: str) -> HttpResponse:
    found = get_return_for_order(order, number)
    return render(request, "storefront/returns/detail.html", {"order": order, "request_": found})


@private
@require_safe
def credit_note(request: HttpRequest, order: Order, number: str) -> HttpResponse:
    note = get_credit_note_for_order(order, number)
    # The credit note reads in the order's language, whatever the page's language.
    with translation.override(order.language):
        document = {
            "language": order.language,
            "facts": credit_note_facts(note),
            "mentions": credit_note_mentions(note),
        }
    return render(
        request, "storefront/returns/credit_note.html", {"note": note, "document": document}
    )


@private
@require_safe
def credit_note_pdf(request: HttpRequest, order: Order, number: str) -> HttpResponse:
    note = get_credit_note_for_order(order, number)
    response = HttpResponse(render_credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response


def _show_errors(form: forms.Form, error: DomainError) -> None:
    """A service's field errors next to their fields, the rest above the form."""
    if not error.fields:
        form.add_error(None, error.message)
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
