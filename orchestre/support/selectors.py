"""Customer-service reads: tickets, the customer's own figures for the 360 view, CSAT."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from orchestre.customers.models import Customer
from orchestre.orders.models import Order, OrderLine
from orchestre.support.errors import UnknownSurvey, UnknownTicket
from orchestre.support.models import (
    ACTIVE_STATUSES,
    FIRST_RESPONSE_TARGET_HOURS,
    RESOLUTION_TARGET_HOURS,
    UNSOLVED_STATUSES,
    CannedReply,
    GoodwillGesture,
    SatisfactionSurvey,
    Ticket,
    TicketMessage,
)

# Bands of a ticket's age for the customer-service home: (key, upper bound in hours).
AGE_BANDS = (("under_4_hours", 4), ("under_1_day", 24), ("under_3_days", 72), ("older", None))
# Order statuses whose amount the customer has spent (paid and not given back in full).
SPENT_STATUSES = (
    Order.Status.PAID,
    Order.Status.IN_PREPARATION,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.PARTIALLY_REFUNDED,
)


def overdue_condition(now: datetime | None = None) -> Q:
    """Tickets the shop owes an answer (new or open) past a target: no first reply within
    FIRST_RESPONSE_TARGET_HOURS, or not solved within RESOLUTION_TARGET_HOURS."""
    now = now or timezone.now()
    late_answer = Q(
        first_response_at__isnull=True,
        created_at__lt=now - timedelta(hours=FIRST_RESPONSE_TARGET_HOURS),
    )
    late_resolution = Q(created_at__lt=now - timedelta(hours=RESOLUTION_TARGET_HOURS))
    return Q(status__in=ACTIVE_STATUSES) & (late_answer | late_resolution)


def list_tickets() -> QuerySet[Ticket]:
    """Every ticket with its assignee and customer, annotated `overdue_now` (1 when overdue)."""
    return Ticket.objects.select_related("assignee", "customer", "order").annotate(
        overdue_now=Count("pk", filter=overdue_condition())
    )


def get_ticket(number: str) -> Ticket:
    """The ticket numbered `number` with its whole thread (notes included) and their
    authors, its order, customer, assignee and goodwill gestures (three queries). Raises
    UnknownTicket."""
    ticket = (
        Ticket.objects.select_related("assignee", "customer", "order")
        .prefetch_related(
            Prefetch("messages", queryset=TicketMessage.objects.select_related("author")),
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise UnknownTicket()
    return ticket


def get_ticket_for_customer_by_token(token: str) -> Ticket:
    """The ticket of the thread page's token, with only the messages the customer may see
    (no internal notes) as `public_messages` (two queries). Raises UnknownTicket."""
    return _public_ticket(Ticket.objects.filter(access_token=token) if token else None)


def get_ticket_for_user(*, user, number: str) -> Ticket:
    """The ticket `number` if it belongs to the signed-in `user`'s customer record, with its
    public messages; any other ticket is unknown to them (UnknownTicket)."""
    if not user.is_authenticated:
        raise UnknownTicket()
    return _public_ticket(Ticket.objects.filter(number=number, customer__user=user))


def list_tickets_for_user(user) -> QuerySet[Ticket]:
    """The signed-in customer's tickets, latest first (one query)."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(customer__user=user).order_by("-created_at", "-pk")


def open_ticket_counts_by_age(now: datetime | None = None) -> dict:
    """Unsolved tickets (new, open, waiting) counted by age band, with how many are overdue
    and how many wait for a first reply: {"under_4_hours": n, "under_1_day": n,
    "under_3_days": n, "older": n, "overdue": n, "unanswered": n, "total": n} (one query)."""
    now = now or timezone.now()
    aggregates = {}
    lower = None
    for key, hours in AGE_BANDS:
        band = Q()
        if hours is not None:
            band &= Q(created_at__gt=now - timedelta(hours=hours))
        if lower is not None:
            band &= Q(created_at__lte=now - timedelta(hours=lower))
        aggregates[key] = Count("pk", filter=band)
        lower = hours
    aggregates["overdue"] = Count("pk", filter=overdue_condition(now))
    aggregates["unanswered"] = Count("pk", filter=Q(first_response_at__isnull=True))
    aggregates["total"] = Count("pk")
    return Ticket.objects.filter(status__in=UNSOLVED_STATUSES).aggregate(**aggregates)


def list_oldest_open_tickets(*, limit: int = 10) -> list[Ticket]:
    """The unsolved tickets to act on first: overdue ones, then by age (one query)."""
    return list(
        list_tickets()
        .filter(status__in=UNSOLVED_STATUSES)
        .order_by("-overdue_now", "created_at", "pk")[:limit]
    )


def list_canned_replies(*, active_only: bool = False) -> QuerySet[CannedReply]:
    replies = CannedReply.objects.all()
    return replies.filter(is_active=True) if active_only else replies


@dataclass(frozen=True)
class CustomerFigures:
    orders: list[Order]
    total_spent: dict[str, Decimal]  # per currency: imported history is in pounds
    first_order_at: datetime | None
    last_order_at: datetime | None
    tickets: list[Ticket]
    goodwill: list[GoodwillGesture]
    # No consent model exists yet: None means "not recorded", never "refused".
    marketing_consent: bool | None


def list_customers(query: str = "") -> QuerySet[Customer]:
    """Customers matching `query` (name, e-mail or number), with their order count and last
    order date, for the customer search."""
    customers = Customer.objects.annotate(
        order_count=Count("orders", distinct=True), last_order_at=Max("orders__placed_at")
    )
    query = query.strip()
    if query:
        words = Q()
        for word in query.split()[:5]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(source_ref=word)
            )
        customers = customers.filter(words)
    return customers


def get_customer(customer_id: int) -> Customer | None:
    return Customer.objects.select_related("user").filter(pk=customer_id).first()


def customer_orders(customer: Customer) -> QuerySet[Order]:
    """The customer's orders: those recorded for them, and the web orders their account
    placed."""
    condition = Q(customer=customer)
    if customer.user_id:
        condition |= Q(user_id=customer.user_id)
    return Order.objects.filter(condition)


def get_customer_figures(customer: Customer, *, orders_shown: int = 50) -> CustomerFigures:
    """What the 360 view shows of a customer besides shipments and returns: the latest
    `orders_shown` orders with their product lines, totals spent per currency, first and
    last order, tickets and goodwill gestures (five queries)."""
    orders = customer_orders(customer)
    spans = orders.filter(kind=Order.Kind.SALE).aggregate(
        first=Min("placed_at"), last=Max("placed_at")
    )
    spent = {
        row["currency"]: row["amount"]
        for row in orders.filter(status__in=SPENT_STATUSES)
        .values("currency")
        .annotate(amount=Sum("total"))
        .order_by("currency")
    }
    shown = list(
        orders.prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
        ).order_by("-placed_at", "-pk")[:orders_shown]
    )
    tickets = list(
        Ticket.objects.filter(customer=customer)
        .select_related("assignee")
        .annotate(overdue_now=Count("pk", filter=overdue_condition()))
        .order_by("-created_at", "-pk")
    )
    goodwill = list(
        GoodwillGesture.objects.filter(order__in=customer_orders(customer))
        .select_related("order", "order_line", "actor", "refund")
        .order_by("-created_at", "-pk")
    )
    return CustomerFigures(
        orders=shown,
        total_spent=spent,
        first_order_at=spans["first"],
        last_order_at=spans["last"],
        tickets=tickets,
        goodwill=goodwill,
        marketing_consent=None,
    )


@dataclass(frozen=True)
class CsatPeriod:
    start: date
    responses: int
    average: Decimal | None
    satisfied: int  # answers of 4 or 5

    @property
    def csat_percent(self) -> Decimal | None:
        """The share of satisfied answers, the usual CSAT figure."""
        if not self.responses:
            return None
        return (Decimal(100) * self.satisfied / self.responses).quantize(Decimal("0.1"))


PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def csat_by_period(
    *, start: datetime, end: datetime, period: str = "month", kind: str | None = None
) -> list[CsatPeriod]:
    """CSAT of the answers given in [start, end), per day, week or month (one query):
    responses, average score and satisfied answers (4 or 5); `kind` keeps only ticket or
    delivery surveys. Raises ValueError for an unknown period."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    answers = SatisfactionSurvey.objects.filter(answered_at__gte=start, answered_at__lt=end)
    if kind:
        answers = answers.filter(kind=kind)
    rows = (
        answers.annotate(bucket=PERIODS[period]("answered_at"))
        .values("bucket")
        .annotate(
            responses=Count("pk"),
            total=Sum("score"),
            satisfied=Count("pk", filter=Q(score__gte=4)),
        )
        .order_by("bucket")
    )
    return [
        CsatPeriod(
            start=_as_date(row["bucket"]),
            responses=row["responses"],
            average=(Decimal(row["total"]) / row["responses"]).quantize(Decimal("0.01")),
            satisfied=row["satisfied"],
        )
        for row in rows
    ]


def _as_date(value) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _public_ticket(tickets: QuerySet[Ticket] | None) -> Ticket:
    ticket = (
        tickets.select_related("order")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=TicketMessage.objects.exclude(kind=TicketMessage.Kind.NOTE),
                to_attr="public_messages",
            )
        )
        .first()
        if tickets is not None
        else None
    )
    if ticket is None:
        raise UnknownTicket()
    return ticket


def get_survey_by_token(token: str) -> SatisfactionSurvey:
    """The survey of the answer page's token, with its ticket or order (one query). Raises
    UnknownSurvey."""
    survey = (
        SatisfactionSurvey.objects.select_related("ticket", "order")
        .filter(access_token=token)
        .first()
        if token
        else None
    )
    if survey is None:
        raise UnknownSurvey()
    return survey


def list_goodwill_for_order(order_id: int) -> QuerySet[GoodwillGesture]:
    """The goodwill gestures made on an order, latest first, with who made them."""
    return GoodwillGesture.objects.filter(order_id=order_id).select_related(
        "actor", "order", "order_line"
    )


def get_ticket_id(number: str) -> int | None:
    """The id of the ticket numbered `number`, if there is one (one query)."""
    return Ticket.objects.filter(number=number).values_list("pk", flat=True).first()


def get_customer_for_user(user) -> Customer | None:
    """The customer record of a signed-in account, if it has one (one query)."""
    if not user.is_authenticated:
        return None
    return Customer.objects.filter(user=user).first()
