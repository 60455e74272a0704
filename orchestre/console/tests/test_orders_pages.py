from django.test import Client

from orchestre.orders.tests.factories import place_test_order
from orchestre.team.tests.factories import staff_member


def _client(role):
    client = Client()
    client.force_login(staff_member(role))
    return client


def test_the_order_list_filters_sorts_and_exports(db, django_assert_max_num_queries):
    first = place_test_order()
    second = place_test_order()
    client = _client("customer-service")

    with django_assert_max_num_queries(12):
        listing = client.get("/en/console/orders/", {"sort": "-number"})
    exact = client.get("/en/console/orders/", {"q": first.number})
    exported = client.get("/en/console/orders/", {"format": "csv", "sort": "number"})

    page = listing.content.decode()
    assert page.index(second.number) < page.index(first.number)
    assert second.number not in exact.content.decode()
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [first.number, second.number]


def test_an_order_page_shows_lines_history_and_payment(db, django_assert_max_num_queries):
    order = place_test_order()
    client = _client("logistics-manager")
    with django_assert_max_num_queries(12):
        response = client.get(f"/en/console/orders/{order.number}/")
    page = response.content.decode()
    assert response.status_code == 200
    for line in order.lines.all():
        assert line.code in page
    assert client.get("/en/console/orders/OR-0000-99999/").status_code == 404


def test_search_finds_an_order_by_number_only_for_roles_that_see_orders(db):
    order = place_test_order()
    allowed = _client("customer-service").get("/en/console/search/", {"q": order.number})
    content_editor = _client("content-editor").get("/en/console/search/", {"q": order.number})
    assert f"/en/console/orders/{order.number}/" in allowed.content.decode()
    assert "/console/orders/" not in content_editor.content.decode()


def test_customer_service_cancels_an_unpaid_order_with_a_reason(db):
    from orchestre.core.models import AuditEntry

    order = place_test_order()
    client = _client("customer-service")

    without_reason = client.post(f"/en/console/orders/{order.number}/cancel/", {"reason": " "})
    order.refresh_from_db()
    assert order.status == "awaiting_payment"
    cancelled = client.post(
        f"/en/console/orders/{order.number}/cancel/", {"reason": "bank transfer never came"}
    )

    assert without_reason.status_code == cancelled.status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.note) == ("order.cancelled", "bank transfer never came")
    page = client.get(f"/en/console/orders/{order.number}/").content.decode()
    assert "is cancelled" in page


def test_a_paid_order_is_not_cancelled_here(db):
    from orchestre.orders.tests.factories import paid_test_order

    order = paid_test_order()
    client = _client("customer-service")

    response = client.post(
        f"/en/console/orders/{order.number}/cancel/", {"reason": "changed mind"}, follow=True
    )

    order.refresh_from_db()
    assert order.status == "paid"
    assert "A paid order is refunded through a return." in response.content.decode()
