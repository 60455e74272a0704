"""Customer service: tickets and their threads, canned replies, goodwill gestures and
satisfaction (CSAT) surveys. Writes go through `services.py`; see docs in its docstrings."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orchestre.customers.models import Customer
from orchestre.orders.models import Order, OrderLine
from orchestre.payments.models import Refund

# Service targets, counted from the ticket's creation: the first staff reply within
# FIRST_RESPONSE_TARGET_HOURS, the ticket solved within RESOLUTION_TARGET_HOURS.
FIRST_RESPONSE_TARGET_HOURS = 8
RESOLUTION_TARGET_HOURS = 72


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for customer")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# The statuses in which the shop owes the customer an answer: the target clocks run.
ACTIVE_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)
UNSOLVED_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING)


class Ticket(models.Model):
    """A customer's request and its thread. `access_token` is the unguessable key of the
    customer's page of the thread (e-mailed with every reply)."""

    class Channel(models.TextChoices):
        CONTACT_FORM = "contact_form", _("Contact form")
        ORDER_PAGE = "order_page", _("Order page")
        STAFF = "staff", _("Created by staff")

    Status = TicketStatus
    Priority = TicketPriority

    number = models.CharField(_("number"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=150)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, default="fr")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, related_name="tickets", on_delete=models.PROTECT
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, related_name="tickets", on_delete=models.PROTECT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        on_delete=models.SET_NULL,
        verbose_name=_("assignee"),
    )
    access_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status_known"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TicketPriority.values), name="ticket_priority_known"
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=F("created_at")),
                name="ticket_first_response_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def first_response_due_at(self):
        return self.created_at + timedelta(hours=FIRST_RESPONSE_TARGET_HOURS)

    @property
    def resolution_due_at(self):
        return self.created_at + timedelta(hours=RESOLUTION_TARGET_HOURS)

    @property
    def is_overdue(self) -> bool:
        """Whether a target is missed while the shop owes an answer (new or open)."""
        if self.status not in ACTIVE_STATUSES:
            return False
        now = timezone.now()
        late_answer = self.first_response_at is None and now > self.first_response_due_at
        return late_answer or now > self.resolution_due_at

    @property
    def age(self) -> timedelta:
        return timezone.now() - self.created_at


class TicketMessage(models.Model):
    """One message of a thread. Internal notes are for staff only: never shown or e-mailed
    to the customer."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer message")
        REPLY = "reply", _("Staff reply")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, related_name="messages", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["customer", "reply", "note"]), name="ticket_message_kind"
            ),
        ]

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


class CannedReply(models.Model):
    """A ready answer staff insert into the reply box and adapt."""

    title = models.CharField(_("title"), max_length=100, unique=True)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["title"]
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title


class GoodwillGesture(models.Model):
    """A gesture made to keep a customer happy: part of a line refunded, or items sent again
    at no charge. Recorded before the payment provider is called (the idempotency key is
    unique), so a retry never refunds twice."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Line refund")
        RESEND = "resend", _("Items resent")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    order = models.ForeignKey(Order, related_name="goodwill_gestures", on_delete=models.PROTECT)
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True)
    # {"<order line id>": quantity} for a resend.
    quantities = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, related_name="goodwill_gestures", on_delete=models.SET_NULL
    )
    refund = models.ForeignKey(
        Refund, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    shipment_reference = models.CharField(max_length=64, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="refund") | (Q(amount__gt=0) & Q(order_line__isnull=False)),
                name="goodwill_refund_has_line_and_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_id}"


class SatisfactionSurvey(models.Model):
    """A CSAT survey sent after a ticket is solved or an order delivered: one per ticket or
    order, answered once (1–5 and an optional comment) through the page of its token."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("After a ticket")
        DELIVERY = "delivery", _("After delivery")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, related_name="survey", on_delete=models.CASCADE
    )
    order = models.OneToOneField(
        Order, null=True, blank=True, related_name="survey", on_delete=models.CASCADE
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(max_length=8, default="fr")
    access_token = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="ticket") & Q(ticket__isnull=False) & Q(order__isnull=True))
                | (Q(kind="delivery") & Q(order__isnull=False) & Q(ticket__isnull=True)),
                name="survey_about_one_ticket_or_order",
            ),
            models.CheckConstraint(
                condition=(Q(score__isnull=True) & Q(answered_at__isnull=True))
                | (Q(score__gte=1) & Q(score__lte=5) & Q(answered_at__isnull=False)),
                name="survey_score_1_to_5_when_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.access_token[:6]}…"
