"""Customer service on the storefront: the contact form (also reached from an order page,
pre-linked to the order by its token), the customer's page of a ticket's thread (by its
unguessable token), the signed-in customer's tickets, and the satisfaction survey.

Pages reached by a token are private (never cached, never indexed); an unknown token is a
404. The contact form is guarded against robots by a honeypot field and against floods by
a per-address limit kept in the cache."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from orchestre.core.errors import DomainError
from orchestre.orders.errors import UnknownOrder
from orchestre.orders.selectors import get_order_by_token
from orchestre.storefront.cart_views import Notice, private_page
from orchestre.support.errors import SurveyAlreadyAnswered, UnknownSurvey, UnknownTicket
from orchestre.support.models import TicketStatus
from orchestre.support.selectors import (
    get_customer_for_user,
    get_survey_by_token,
    get_ticket_for_customer_by_token,
    get_ticket_for_user,
    list_tickets_for_user,
)
from orchestre.support.services import add_customer_message, answer_survey, open_customer_ticket

# At most this many contact messages per address per window: enough for a real customer,
# too few for a flood.
CONTACT_LIMIT = 5
CONTACT_WINDOW_SECONDS = 3600
SCORE_CHOICES = [
    (1, gettext_lazy("1 – Very unsatisfied")),
    (2, gettext_lazy("2 – Unsatisfied")),
    (3, gettext_lazy("3 – Neutral")),
    (4, gettext_lazy("4 – Satisfied")),
    (5, gettext_lazy("5 – Very satisfied")),
]


class ContactForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=150)
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # The honeypot: hidden from people and assistive technology, filled in by robots.
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything to add? (optional)"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _apply_errors(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the fields it names, else above the form."""
    placed = False
    for field, field_errors in error.fields.items():
        if field in form.fields:
            for message in field_errors:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _take_contact_allowance(request: HttpRequest) -> bool:
    """Count one message for the sender's address; False once the window's limit is met."""
    key = f"support-contact:{_client_address(request)}"
    cache.add(key, 0, CONTACT_WINDOW_SECONDS)
    try:
        return cache.incr(key) <= CONTACT_LIMIT
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, CONTACT_WINDOW_SECONDS)
        return True


def _order_from_query(request: HttpRequest):
    token = request.GET.get("order") or request.POST.get("order") or ""
    if not token:
        return None
    try:
        return get_order_by_token(token)
    except UnknownOrder:
        raise Http404("unknown order") from None


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def contact(request: HttpRequest) -> HttpResponse:
    """The contact form; `?order=<token>` ties the message to that order."""
    order = _order_from_query(request)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid() and form.cleaned_data["website"]:
            # A robot: answer as if it worked, keep nothing.
            messages.success(request, _("Thank you, your message has been sent."))
            return redirect("storefront:support_contact")
        if form.is_valid():
            if not _take_contact_allowance(request):
                form.add_error(
                    None,
                    _("You have sent several messages in a short time. Try again in an hour."),
                )
                status = 429
            else:
                try:
                    ticket = open_customer_ticket(
                        email=form.cleaned_data["email"],
                        name=form.cleaned_data["name"],
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                        language=get_language(),
                        user=request.user,
                        order_id=order.pk if order else None,
                    )
                except DomainError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Thank you, we have received your message %(number)s.")
                        % {"number": ticket.number},
                    )
                    return redirect("storefront:support_ticket", token=ticket.access_token)
        if status == 200 and form.errors:
            status = 400
    else:
        form = ContactForm(initial=_initial_contact(request, order))
    response = render(
        request,
        "storefront/support/contact.html",
        {"form": form, "order": order, "notices": Notice.from_messages(request)},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _initial_contact(request: HttpRequest, order) -> dict:
    initial = {}
    if order is not None:
        address = order.billing_address or {}
        name = f"{address.get('first_name', '')} {address.get('last_name', '')}".strip()
        initial = {
            "name": name,
            "email": order.email,
            "subject": _("About my order %(number)s") % {"number": order.number},
        }
    elif request.user.is_authenticated:
        customer = get_customer_for_user(request.user)
        initial = {
            "name": str(customer) if customer else request.user.get_full_name(),
            "email": request.user.email or "",
        }
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page of a thread: their messages and the shop's replies (never the
    internal notes), and a form to answer while the ticket is not closed."""
    try:
        found = get_ticket_for_customer_by_token(token)
    except UnknownTicket:
        raise Http404("unknown ticket") from None
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                add_customer_message(ticket_id=found.pk, body=form.cleaned_data["body"])
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Your answer has been sent."))
                return redirect("storefront:support_ticket", token=token)
        status = 400
    else:
        form = MessageForm()
    response = render(
        request,
        "storefront/support/ticket.html",
        {
            "ticket": found,
            "form": form,
            "closed": found.status == TicketStatus.CLOSED,
            "notices": Notice.from_messages(request),
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required(login_url="storefront:sign_in")
@require_safe
@private_page
def my_tickets(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "storefront/support/tickets.html",
        {"tickets": list_tickets_for_user(request.user)[:100]},
    )


@login_required(login_url="storefront:sign_in")
@require_safe
@private_page
def my_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """A signed-in customer's own ticket by number; anyone else's is a 404."""
    try:
        found = get_ticket_for_user(user=request.user, number=number)
    except UnknownTicket:
        raise Http404("unknown ticket") from None
    return redirect("storefront:support_ticket", token=found.access_token)


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The satisfaction survey: one answer (1–5 and a comment), then thanks."""
    try:
        found = get_survey_by_token(token)
    except UnknownSurvey:
        raise Http404("unknown survey") from None
    status = 200
    form = SurveyForm()
    if request.method == "POST" and found.answered_at is None:
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                found = answer_survey(
                    token=token,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except SurveyAlreadyAnswered:
                found.refresh_from_db()
                status = 409
            except DomainError as error:
                _apply_errors(form, error)
                status = 400
        else:
            status = 400
    elif request.method == "POST":
        status = 409
    response = render(
        request, "storefront/support/survey.html", {"survey": found, "form": form}, status=status
    )
    response["X-Robots-Tag"] = "noindex"
    return response
