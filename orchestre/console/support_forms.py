"""Console, customer service: the forms and the ticket list's filters. Forms check the
shape of the input; the services check the rules and their refusals are shown on the form."""

import uuid

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orchestre.core.errors import DomainError
from orchestre.support.models import TicketPriority, TicketStatus
from orchestre.support.selectors import overdue_condition

UNSOLVED = "unsolved"


def show_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal next to the fields it names, else above the form."""
    placed = False
    for field, messages in error.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def ticket_agents():
    """Active staff who may answer tickets (their roles grant it, or superusers)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="manage_tickets")
            | Q(user_permissions__codename="manage_tickets")
        )
        .distinct()
        .order_by("username")
    )


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number, e-mail or subject"))
    status = django_filters.ChoiceFilter(
        method="by_status",
        label=_("Status"),
        choices=[(UNSOLVED, _("Unsolved (new, open, waiting)")), *TicketStatus.choices],
    )
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices, label=_("Priority"))
    assignee = django_filters.ChoiceFilter(method="by_assignee", label=_("Assignee"), choices=[])
    overdue = django_filters.BooleanFilter(
        method="by_overdue",
        label=_("Overdue only"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["assignee"].extra["choices"] = [
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(user.pk), user.get_full_name() or user.username) for user in ticket_agents()],
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value) | Q(email__iexact=value) | Q(subject__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == UNSOLVED:
            return queryset.filter(
                status__in=[TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING]
            )
        return queryset.filter(status=value)

    def by_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)

    def by_overdue(self, queryset, name, value):
        return queryset.filter(overdue_condition()) if value else queryset


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the customer"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("E-mailed to the customer in their language, with a link to the thread."),
    )
    then = forms.ChoiceField(
        label=_("Then set the ticket to"),
        choices=[
            (TicketStatus.WAITING, TicketStatus.WAITING.label),
            (TicketStatus.OPEN, TicketStatus.OPEN.label),
            (TicketStatus.SOLVED, TicketStatus.SOLVED.label),
        ],
        initial=TicketStatus.WAITING,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen by staff only; never shown or e-mailed to the customer."),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = ticket_agents()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(value, label) for value, label in TicketStatus.choices if value != "new"],
    )


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=TicketPriority.choices)


class NewTicketForm(forms.Form):
    name = forms.CharField(label=_("Customer's name"), max_length=120)
    email = forms.EmailField(label=_("Customer's e-mail"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("The customer's request"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    language = forms.ChoiceField(
        label=_("Customer's language"), choices=[("fr", _("French")), ("en", _("English"))]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL
    )
    order = forms.CharField(label=_("Order number (optional)"), max_length=20, required=False)
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class LineRefundForm(forms.Form):
    order_line = forms.TypedChoiceField(label=_("Line"), coerce=int, choices=[])
    amount = forms.CharField(label=_("Amount to refund"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=150)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_line"].choices = [
            (line.pk, f"{line.code} — {line.description}") for line in lines
        ]
        self.fields["idempotency_key"].initial = uuid.uuid4().hex


class ResendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=150)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=f"{line.code} — {line.description}",
                min_value=0,
                max_value=line.quantity,
                initial=0,
                required=False,
            )
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("quantity_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("quantity_") and value
        }

    def quantity_fields(self):
        return [self[name] for name in self.fields if name.startswith("quantity_")]
