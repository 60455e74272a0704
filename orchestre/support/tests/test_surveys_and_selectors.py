from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from orchestre.core.errors import InvalidInput
from orchestre.core.models import OutboxMessage
from orchestre.orders.models import Order, OrderStatusChange
from orchestre.orders.services import transition_order
from orchestre.orders.tests.factories import paid_test_order
from orchestre.support.errors import SurveyAlreadyAnswered, UnknownSurvey
from orchestre.support.models import SatisfactionSurvey, Ticket
from orchestre.support.selectors import (
    csat_by_period,
    get_customer_figures,
    list_oldest_open_tickets,
    open_ticket_counts_by_age,
)
from orchestre.support.services import (
    answer_survey,
    change_ticket_status,
    reply_to_ticket,
    send_delivery_surveys,
)
from orchestre.support.tests.factories import aged, customer_ticket
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def delivered_order(*, days_ago: float, **overrides) -> Order:
    order = paid_test_order(**overrides)
    for status in ("in_preparation", "shipped", "delivered"):
        transition_order(order_id=order.pk, to=status)
    OrderStatusChange.objects.filter(order=order, to_status="delivered").update(
        at=timezone.now() - timedelta(days=days_ago)
    )
    return order


def test_a_survey_goes_once_to_orders_delivered_a_day_ago_or_more():
    due = delivered_order(days_ago=2, language="en")
    delivered_order(days_ago=0.5)  # too early
    delivered_order(days_ago=40)  # too late

    assert send_delivery_surveys() == 1
    assert send_delivery_surveys() == 0

    survey = SatisfactionSurvey.objects.get()
    assert (survey.kind, survey.order, survey.language) == ("delivery", due, "en")
    email = OutboxMessage.objects.get(key=f"survey-{survey.pk}")
    assert email.payload["subject"] == f"Your order {due.number}: how did we do?"
    assert f"/en/support/survey/{survey.access_token}/" in email.payload["html_body"]


def test_a_survey_is_answered_once():
    agent = staff_member("customer-service")
    ticket = customer_ticket()
    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="solved")
    survey = SatisfactionSurvey.objects.get()

    answered = answer_survey(token=survey.access_token, score="4", comment="  Quick, thanks ")
    with pytest.raises(SurveyAlreadyAnswered):
        answer_survey(token=survey.access_token, score=1, comment="Changed my mind")

    assert (answered.score, answered.comment) == (4, "Quick, thanks")
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Quick, thanks")


@pytest.mark.parametrize("score", [0, 6, "five", None, ""])
def test_a_score_outside_1_to_5_is_refused(score):
    agent = staff_member("customer-service")
    ticket = customer_ticket()
    change_ticket_status(actor=agent, ticket_id=ticket.pk, status="solved")
    survey = SatisfactionSurvey.objects.get()

    with pytest.raises(InvalidInput) as refused:
        answer_survey(token=survey.access_token, score=score)

    assert refused.value.fields == {"score": ["Choose a score from 1 to 5."]}
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_unknown_survey_token_is_refused():
    with pytest.raises(UnknownSurvey):
        answer_survey(token="nope", score=5)
    with pytest.raises(UnknownSurvey):
        answer_survey(token="", score=5)


def test_csat_by_month_counts_satisfied_answers():
    agent = staff_member("customer-service")
    scores = {
        datetime(2026, 9, 10, 12, tzinfo=PARIS): [5, 4, 2],
        datetime(2026, 10, 3, 9, tzinfo=PARIS): [3],
    }
    for moment, month_scores in scores.items():
        for score in month_scores:
            ticket = customer_ticket()
            change_ticket_status(actor=agent, ticket_id=ticket.pk, status="solved")
            survey = SatisfactionSurvey.objects.get(ticket=ticket)
            answer_survey(token=survey.access_token, score=score)
            SatisfactionSurvey.objects.filter(pk=survey.pk).update(answered_at=moment)

    periods = csat_by_period(
        start=datetime(2026, 9, 1, tzinfo=PARIS), end=datetime(2026, 11, 1, tzinfo=PARIS)
    )

    assert [
        (p.start.isoformat(), p.responses, p.average, p.satisfied, p.csat_percent) for p in periods
    ] == [
        ("2026-09-01", 3, Decimal("3.67"), 2, Decimal("66.7")),
        ("2026-10-01", 1, Decimal("3.00"), 0, Decimal("0.0")),
    ]
    with pytest.raises(ValueError):
        csat_by_period(start=datetime(2026, 9, 1, tzinfo=PARIS), end=timezone.now(), period="year")


def test_open_tickets_are_counted_by_age_with_the_overdue_first(django_assert_num_queries):
    agent = staff_member("customer-service")
    fresh = customer_ticket()
    late = aged(customer_ticket(), hours=10)  # no answer after 8 h: overdue
    answered = aged(customer_ticket(), hours=30)
    reply_to_ticket(actor=agent, ticket_id=answered.pk, body="On it", then="open")
    old = aged(customer_ticket(), hours=100)
    reply_to_ticket(actor=agent, ticket_id=old.pk, body="Waiting for you")  # waiting: not late
    solved = customer_ticket()
    change_ticket_status(actor=agent, ticket_id=solved.pk, status="solved")

    with django_assert_num_queries(1):
        counts = open_ticket_counts_by_age()

    assert counts == {
        "under_4_hours": 1,
        "under_1_day": 1,
        "under_3_days": 1,
        "older": 1,
        "overdue": 1,
        "unanswered": 2,
        "total": 4,
    }
    assert [ticket.pk for ticket in list_oldest_open_tickets()] == [
        late.pk,
        old.pk,
        answered.pk,
        fresh.pk,
    ]
    assert Ticket.objects.get(pk=late.pk).is_overdue


def test_customer_figures_sum_what_was_spent_and_list_tickets(django_assert_max_num_queries):
    user = customer_user()
    customer = user.customer
    first = paid_test_order(user=user, customer=customer)
    second = paid_test_order(customer=customer)
    paid_test_order()  # someone else's
    ticket = customer_ticket(user=user)

    with django_assert_max_num_queries(6):
        figures = get_customer_figures(customer)

    assert [order.pk for order in figures.orders] == [second.pk, first.pk]
    assert figures.total_spent == {"EUR": Decimal("46.10")}
    assert (figures.first_order_at, figures.last_order_at) == (first.placed_at, second.placed_at)
    assert [t.pk for t in figures.tickets] == [ticket.pk]
    assert figures.marketing_consent is None
