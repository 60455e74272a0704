"""Console returns: the list, a return's page and its actions, staff-created returns,
credit notes, and the home panel."""

from decimal import Decimal

import pytest
from django.test import Client

from orchestre.console.returns_views import home_panel
from orchestre.core.models import AuditEntry
from orchestre.inventory.models import StockMovement
from orchestre.inventory.tests.factories import WarehouseFactory
from orchestre.payments.models import Refund
from orchestre.returns.models import ReturnRequest
from orchestre.returns.services import authorise_return, receive_return
from orchestre.returns.tests.factories import delivered_order, inspected, withdrawn
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def signed_in(role: str) -> tuple[Client, object]:
    client = Client()
    user = staff_member(role)
    client.force_login(user)
    return client, user


def test_the_list_filters_sorts_paginates_and_exports(django_assert_max_num_queries):
    client, _user = signed_in("customer-service")
    first = withdrawn(delivered_order())
    second = withdrawn(delivered_order())
    ReturnRequest.objects.filter(pk=first.pk).update(status="authorised")

    with django_assert_max_num_queries(12):
        page = client.get("/en/console/returns/", {"sort": "number"})
    only_authorised = client.get("/en/console/returns/", {"status": "authorised"})
    by_order = client.get("/en/console/returns/", {"q": second.order.number})
    exported = client.get("/en/console/returns/", {"format": "csv", "sort": "-number"})
    bad_filter = client.get("/en/console/returns/", {"status": "lost"})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(first.number) < html.index(second.number)
    assert first.number in only_authorised.content.decode()
    assert second.number not in only_authorised.content.decode()
    assert second.number in by_order.content.decode()
    assert first.number not in by_order.content.decode()
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [second.number, first.number]
    assert rows[0].lstrip("\ufeff").split(",")[:3] == ["number", "order", "status"]
    assert bad_filter.status_code == 200
    assert "Select a valid choice" in bad_filter.content.decode()


def test_authorise_receive_inspect_and_refund_through_the_console():
    manager, user = signed_in("customer-service")
    order = delivered_order()
    request = withdrawn(order)
    heart, mug, book = request.lines.all()
    warehouse = WarehouseFactory()
    base = f"/en/console/returns/{request.number}/"

    assert manager.post(base + "authorise/").status_code == 302
    received = manager.post(
        base + "receive/",
        {f"received-{heart.pk}": "2", f"received-{mug.pk}": "1", f"received-{book.pk}": "1"},
    )
    assert received.status_code == 302
    page = manager.get(base)
    assert 'name="warehouse"' in page.content.decode()
    inspected_answer = manager.post(
        base + "inspect/",
        {
            "warehouse": str(warehouse.pk),
            f"restock-{heart.pk}": "2",
            f"write_off-{heart.pk}": "0",
            f"restock-{mug.pk}": "0",
            f"write_off-{mug.pk}": "1",
            f"restock-{book.pk}": "1",
            f"write_off-{book.pk}": "0",
        },
    )
    assert inspected_answer.status_code == 302
    refunded = manager.post(base + "refund/", follow=True)

    request.refresh_from_db()
    assert request.status == "refunded"
    assert "credit note AV-" in refunded.content.decode()
    assert StockMovement.objects.filter(kind="return").count() == 2
    assert Refund.objects.get().amount == request.refund_total
    assert list(
        AuditEntry.objects.filter(target_type="returns.returnrequest", target_id=str(request.pk))
        .order_by("pk")
        .values_list("action", "channel")
    ) == [
        ("return.authorised", "console"),
        ("return.received", "console"),
        ("return.inspected", "console"),
        ("return.refunded", "console"),
    ]
    assert AuditEntry.objects.filter(action="return.refunded").get().actor == user
    note = request.credit_note
    html_note = manager.get(f"/en/console/returns/credit-notes/{note.number}/")
    pdf = manager.get(f"/en/console/returns/credit-notes/{note.number}.pdf")
    assert note.number in html_note.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.")


def test_restocking_more_than_received_is_explained_next_to_the_line_and_changes_nothing():
    manager, _user = signed_in("inventory-manager")
    request = withdrawn(delivered_order())
    heart = request.lines.first()
    boss = staff_member("customer-service")

    authorise_return(return_id=request.pk, actor=boss)
    receive_return(return_id=request.pk, received={heart.pk: 1}, actor=boss)
    warehouse = WarehouseFactory()

    answer = manager.post(
        f"/en/console/returns/{request.number}/inspect/",
        {"warehouse": str(warehouse.pk), f"restock-{heart.pk}": "5"},
    )

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "You cannot restock more than was returned (1 received)." in html
    assert 'aria-invalid="true"' in html
    assert 'value="5"' in html
    assert ReturnRequest.objects.get().status == "received"
    assert not StockMovement.objects.exists()


def test_a_refund_refused_by_the_rules_is_explained(django_assert_max_num_queries):
    manager, _user = signed_in("customer-service")
    request = withdrawn(delivered_order())

    answer = manager.post(f"/en/console/returns/{request.number}/refund/")

    assert answer.status_code == 409
    assert "A return that is “Requested” cannot be refunded." in answer.content.decode()
    assert not Refund.objects.exists()


def test_staff_record_a_return_for_an_order():
    manager, user = signed_in("customer-service")
    order = delivered_order(days_ago=60)
    heart = order.product_lines[0]

    form = manager.get("/en/console/returns/new/", {"order": order.number})
    too_many = manager.post(
        "/en/console/returns/new/", {"order": order.number, f"quantity-{heart.pk}": "9"}
    )
    unknown = manager.get("/en/console/returns/new/", {"order": "OR-1999-00001"})
    created = manager.post(
        "/en/console/returns/new/",
        {"order": order.number, f"quantity-{heart.pk}": "1", "reason": "Geste commercial"},
    )

    assert form.status_code == 200
    assert f'name="quantity-{heart.pk}"' in form.content.decode()
    assert too_many.status_code == 400
    assert "Enter a whole number from 0 to 2." in too_many.content.decode()
    assert unknown.status_code == 404
    assert "No order has this number." in unknown.content.decode()
    request = ReturnRequest.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/en/console/returns/{request.number}/"
    assert (request.origin, request.is_withdrawal, request.created_by) == ("staff", False, user)


def test_reject_needs_a_reason():
    manager, _user = signed_in("logistics-manager")
    request = withdrawn(delivered_order())

    empty = manager.post(f"/en/console/returns/{request.number}/reject/", {"reason": ""})
    rejected = manager.post(
        f"/en/console/returns/{request.number}/reject/", {"reason": "Hors délai"}
    )

    assert empty.status_code == 400
    assert "Give the reason for the rejection" in empty.content.decode()
    assert rejected.status_code == 302
    assert ReturnRequest.objects.get().rejection_reason == "Hors délai"


def test_the_home_panel_counts_what_to_act_on(rf, django_assert_num_queries):
    staff = staff_member("customer-service")
    withdrawn(delivered_order())
    inspected(delivered_order(), staff)
    request = rf.get("/console/")
    request.user = staff

    with django_assert_num_queries(1):
        panel = home_panel(request)

    assert panel == {
        "returns_to_authorise": 1,
        "returns_awaiting_receipt": 0,
        "returns_to_inspect": 0,
        "returns_to_refund": 1,
    }


def test_an_unknown_return_is_a_404():
    manager, _user = signed_in("customer-service")

    assert manager.get("/en/console/returns/RT-1999-00001/").status_code == 404
    assert manager.get("/en/console/returns/credit-notes/AV-1999-000001/").status_code == 404


def test_the_refund_shows_the_amounts(django_assert_max_num_queries):
    manager, user = signed_in("customer-service")
    request = inspected(delivered_order(), user)
    manager.post(f"/en/console/returns/{request.number}/refund/")

    with django_assert_max_num_queries(12):
        page = manager.get(f"/en/console/returns/{request.number}/")

    assert page.status_code == 200
    assert "€23.05" in page.content.decode()
    assert Decimal("23.05") == ReturnRequest.objects.get().refund_total
