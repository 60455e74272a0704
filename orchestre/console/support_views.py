"""Console, customer service: the tickets (list with filters, CSV), one ticket with its
thread and the reply, note, assignment, status and priority forms (htmx updates the
thread in place), staff-created tickets, and the home panel of customer service."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.console.support_forms import (
    AssignForm,
    NewTicketForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TicketFilter,
    show_domain_error,
)
from orchestre.core.errors import DomainError
from orchestre.orders.errors import UnknownOrder
from orchestre.orders.selectors import get_order_by_number
from orchestre.support import services
from orchestre.support.models import CannedReply
from orchestre.support.selectors import (
    get_customer,
    get_ticket,
    list_canned_replies,
    list_oldest_open_tickets,
    list_tickets,
    open_ticket_counts_by_age,
)
from orchestre.team.permissions import Action

SORTS = {"opened": "created_at", "number": "number", "updated": "updated_at", "status": "status"}


@require_safe
@staff_view(Action.MANAGE_TICKETS)
def tickets(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        list_tickets(),
        sorts=SORTS,
        default_sort="opened",
        filterset_class=TicketFilter,
    )
    if wants_csv(request):
        return csv_response(
            "tickets.csv",
            [
                "number",
                "opened at",
                "status",
                "priority",
                "overdue",
                "subject",
                "e-mail",
                "customer",
                "order",
                "assignee",
                "first response at",
            ],
            (
                (
                    ticket.number,
                    ticket.created_at.isoformat(),
                    ticket.status,
                    ticket.priority,
                    "yes" if ticket.overdue_now else "no",
                    ticket.subject,
                    ticket.email,
                    str(ticket.customer or ""),
                    ticket.order.number if ticket.order else "",
                    ticket.assignee.username if ticket.assignee else "",
                    ticket.first_response_at.isoformat() if ticket.first_response_at else "",
                )
                for ticket in listing.rows.iterator()
            ),
        )
    return render(request, "console/support/tickets.html", {"listing": listing})


@require_safe
@staff_view(Action.MANAGE_TICKETS)
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    """One ticket; `?canned=<id>` puts that canned reply in the reply box (htmx asks for
    the reply form alone, keeping what was already typed)."""
    found = get_ticket(number)
    reply_form = ReplyForm(initial={"body": _with_canned(request)})
    if request.htmx and request.htmx.target == "reply-form":
        return render(
            request,
            "console/support/_reply_form.html",
            {"ticket": found, "reply_form": reply_form, "canned_replies": _canned()},
        )
    return _ticket_page(request, found, reply_form=reply_form)


@require_POST
@staff_view(Action.MANAGE_TICKETS)
def reply(request: HttpRequest, number: str) -> HttpResponse:
    found = get_ticket(number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_ticket(
                actor=request.user,
                ticket_id=found.pk,
                body=form.cleaned_data["body"],
                then=form.cleaned_data["then"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return _after_thread_change(request, number, _("Reply sent to the customer."))
    return _thread_with_errors(request, found, reply_form=form)


@require_POST
@staff_view(Action.MANAGE_TICKETS)
def note(request: HttpRequest, number: str) -> HttpResponse:
    found = get_ticket(number)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_internal_note(
                actor=request.user, ticket_id=found.pk, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return _after_thread_change(request, number, _("Internal note added."))
    return _thread_with_errors(request, found, note_form=form)


@require_POST
@staff_view(Action.MANAGE_TICKETS)
def assign(request: HttpRequest, number: str) -> HttpResponse:
    found = get_ticket(number)
    form = AssignForm(request.POST)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        return _apply(
            request,
            found,
            form,
            "assign_form",
            lambda: services.assign_ticket(
                actor=request.user,
                ticket_id=found.pk,
                assignee_id=assignee.pk if assignee else None,
            ),
            _("Assignment saved."),
        )
    return _ticket_page(request, found, status=400, assign_form=form)


@require_POST
@staff_view(Action.MANAGE_TICKETS)
def status(request: HttpRequest, number: str) -> HttpResponse:
    found = get_ticket(number)
    form = StatusForm(request.POST)
    if form.is_valid():
        return _apply(
            request,
            found,
            form,
            "status_form",
            lambda: services.change_ticket_status(
                actor=request.user, ticket_id=found.pk, status=form.cleaned_data["status"]
            ),
            _("Status changed."),
        )
    return _ticket_page(request, found, status=400, status_form=form)


@require_POST
@staff_view(Action.MANAGE_TICKETS)
def priority(request: HttpRequest, number: str) -> HttpResponse:
    found = get_ticket(number)
    form = PriorityForm(request.POST)
    if form.is_valid():
        return _apply(
            request,
            found,
            form,
            "priority_form",
            lambda: services.set_ticket_priority(
                actor=request.user, ticket_id=found.pk, priority=form.cleaned_data["priority"]
            ),
            _("Priority changed."),
        )
    return _ticket_page(request, found, status=400, priority_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Action.MANAGE_TICKETS)
def new_ticket(request: HttpRequest) -> HttpResponse:
    """A ticket opened by staff for a customer (a call, a letter); `?customer=<pk>` and
    `?order=<number>` prefill it from the customer 360 view."""
    if request.method == "POST":
        form = NewTicketForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            order = None
            if data["order"]:
                try:
                    order = get_order_by_number(data["order"].strip())
                except UnknownOrder:
                    form.add_error("order", _("No order has this number."))
            if not form.errors:
                try:
                    created = services.open_staff_ticket(
                        actor=request.user,
                        email=data["email"],
                        name=data["name"],
                        subject=data["subject"],
                        body=data["body"],
                        language=data["language"],
                        priority=data["priority"],
                        customer_id=data["customer"],
                        order_id=order.pk if order else None,
                    )
                except DomainError as error:
                    show_domain_error(form, error)
                else:
                    messages.success(
                        request, _("Ticket %(number)s opened.") % {"number": created.number}
                    )
                    return redirect("console:ticket", number=created.number)
        return render(request, "console/support/ticket_new.html", {"form": form}, status=400)
    form = NewTicketForm(initial=_new_ticket_initial(request))
    return render(request, "console/support/ticket_new.html", {"form": form})


def home_panel(request: HttpRequest) -> dict:
    """Customer service's panel: unsolved tickets by age, overdue ones first."""
    return {"counts": open_ticket_counts_by_age(), "oldest": list_oldest_open_tickets(limit=8)}


def _new_ticket_initial(request: HttpRequest) -> dict:
    initial = {"language": "fr", "order": request.GET.get("order", "")[:20]}
    customer_id = request.GET.get("customer", "")
    customer = get_customer(int(customer_id)) if customer_id.isdigit() else None
    if customer is not None:
        initial |= {"customer": customer.pk, "name": str(customer), "email": customer.email}
    return initial


def _canned() -> list[CannedReply]:
    return list(list_canned_replies(active_only=True))


def _with_canned(request: HttpRequest) -> str:
    typed = request.GET.get("body", "")[:10_000]
    canned_id = request.GET.get("canned", "")
    canned = (
        list_canned_replies(active_only=True).filter(pk=int(canned_id)).first()
        if canned_id.isdigit()
        else None
    )
    if canned is None:
        return typed
    return f"{typed.rstrip()}\n\n{canned.body}".strip() if typed.strip() else canned.body


def _ticket_page(request: HttpRequest, found, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "ticket": found,
        "canned_replies": _canned(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": found.assignee_id}),
        "status_form": forms.get("status_form")
        or StatusForm(initial={"status": found.status if found.status != "new" else "open"}),
        "priority_form": forms.get("priority_form")
        or PriorityForm(initial={"priority": found.priority}),
        "form": next(iter(forms.values()), None),  # the error summary's form
    }
    return render(request, "console/support/ticket.html", context, status=status)


def _thread_with_errors(request: HttpRequest, found, **forms) -> HttpResponse:
    if request.htmx:
        # htmx swaps only 2xx answers: the errors come back in a 200.
        context = {
            "ticket": found,
            "canned_replies": _canned(),
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "note_form": forms.get("note_form") or NoteForm(),
        }
        return render(request, "console/support/_conversation.html", context)
    return _ticket_page(request, found, status=400, **forms)


def _after_thread_change(request: HttpRequest, number: str, text: str) -> HttpResponse:
    if request.htmx:
        found = get_ticket(number)
        context = {
            "ticket": found,
            "canned_replies": _canned(),
            "reply_form": ReplyForm(),
            "note_form": NoteForm(),
            "notice": text,
        }
        return render(request, "console/support/_conversation.html", context)
    messages.success(request, text)
    return redirect("console:ticket", number=number)


def _apply(request, found, form, form_name: str, change, text: str) -> HttpResponse:
    try:
        change()
    except DomainError as error:
        show_domain_error(form, error)
        return _ticket_page(request, found, status=400, **{form_name: form})
    messages.success(request, text)
    return redirect("console:ticket", number=found.number)
