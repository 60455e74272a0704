"""Every console returns page and action under the permission matrix: anonymous →
sign-in, customer → 403, staff without the action → 403 with nothing changed, staff with
it → done."""

import pytest
from django.test import Client

from orchestre.core.models import AuditEntry
from orchestre.inventory.tests.factories import WarehouseFactory
from orchestre.payments.models import Refund
from orchestre.returns.models import ReturnRequest
from orchestre.returns.services import authorise_return, receive_return, refund_return
from orchestre.returns.tests.factories import delivered_order, inspected, withdrawn
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db

READ_PAGES = ["", "{number}/", "credit-notes/{note}/", "credit-notes/{note}.pdf", "new/"]


@pytest.fixture
def refunded():
    staff = staff_member("customer-service")
    request = inspected(delivered_order(), staff)
    return refund_return(return_id=request.pk, actor=staff)


def client_for(who: str | None) -> Client:
    client = Client()
    if who == "customer":
        client.force_login(customer_user())
    elif who is not None:
        client.force_login(staff_member(who))
    return client


def url(path: str, request) -> str:
    note = getattr(request, "credit_note", None)
    return "/en/console/returns/" + path.format(
        number=request.number, note=note.number if note else "x"
    )


@pytest.mark.parametrize("path", READ_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("customer", 403),
        ("marketing-manager", 403),  # no view_orders
        ("customer-service", 200),
    ],
)
def test_reading_needs_view_orders(refunded, path, who, status):
    if path == "new/" and who == "customer-service":
        status = 200  # manage_returns
    answer = client_for(who).get(url(path, refunded))

    assert answer.status_code == status
    if status == 302:
        assert answer["Location"].startswith("/en/console/sign-in/")


def test_recording_a_return_needs_manage_returns():
    order = delivered_order()
    heart = order.product_lines[0]
    data = {"order": order.number, f"quantity-{heart.pk}": "1"}

    for who, status in [(None, 302), ("customer", 403), ("business-analyst", 403)]:
        assert client_for(who).post("/en/console/returns/new/", data).status_code == status
        assert not ReturnRequest.objects.exists()
    assert client_for("inventory-manager").post("/en/console/returns/new/", data).status_code == 302
    assert ReturnRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "denied", "allowed", "before", "after"),
    [
        ("authorise", "ecommerce-manager", "logistics-manager", "requested", "authorised"),
        ("reject", "business-analyst", "inventory-manager", "requested", "closed"),
        ("receive", "ecommerce-manager", "logistics-manager", "authorised", "received"),
    ],
)
def test_return_steps_need_manage_returns(action, denied, allowed, before, after):
    request = withdrawn(delivered_order())
    if before == "authorised":
        authorise_return(return_id=request.pk, actor=staff_member("customer-service"))
    heart = request.lines.first()
    data = {"reason": "Hors délai", f"received-{heart.pk}": "1"}
    path = f"/en/console/returns/{request.number}/{action}/"
    audited = AuditEntry.objects.count()

    for who, status in [(None, 302), ("customer", 403), (denied, 403)]:
        assert client_for(who).post(path, data).status_code == status
        assert ReturnRequest.objects.get().status == before
        assert AuditEntry.objects.count() == audited
    assert client_for(allowed).post(path, data).status_code == 302
    assert ReturnRequest.objects.get().status == after


def test_inspection_needs_manage_returns():
    staff = staff_member("customer-service")
    request = withdrawn(delivered_order())
    authorise_return(return_id=request.pk, actor=staff)

    heart = request.lines.first()
    receive_return(return_id=request.pk, received={heart.pk: 1}, actor=staff)
    data = {"warehouse": str(WarehouseFactory().pk), f"restock-{heart.pk}": "1"}
    path = f"/en/console/returns/{request.number}/inspect/"

    for who, status in [(None, 302), ("customer", 403), ("business-analyst", 403)]:
        assert client_for(who).post(path, data).status_code == status
        assert ReturnRequest.objects.get().status == "received"
    assert client_for("inventory-manager").post(path, data).status_code == 302
    assert ReturnRequest.objects.get().status == "inspected"


def test_refunding_needs_refund_payments():
    request = inspected(delivered_order(), staff_member("customer-service"))
    path = f"/en/console/returns/{request.number}/refund/"

    for who, status in [(None, 302), ("customer", 403), ("logistics-manager", 403)]:
        assert client_for(who).post(path).status_code == status
        assert not Refund.objects.exists()
        assert ReturnRequest.objects.get().status == "inspected"
    assert client_for("ecommerce-manager").post(path).status_code == 302
    assert ReturnRequest.objects.get().status == "refunded"


def test_writes_refuse_get():
    request = withdrawn(delivered_order())
    client = client_for("customer-service")

    assert client.get(f"/en/console/returns/{request.number}/authorise/").status_code == 405
    assert ReturnRequest.objects.get().status == "requested"
