"""Every role signs in through the real page and lands on its workspace; the workspaces'
main pages pass axe-core (WCAG 2.1 A/AA) and load without a failed request."""

import pytest

from orchestre.console.tests.test_browser_order_to_refund import sign_in
from orchestre.orders.tests.factories import paid_test_order
from orchestre.storefront.tests.browser_support import axe_violations
from orchestre.storefront.tests.conftest import browser, shop  # noqa: F401 (fixtures)
from orchestre.team.roles import STAFF_ROLE_CODES
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.browser

# The role, and pages of its workspace beyond its home.
WORKSPACES = {
    "digital-manager": ["/en/console/team/", "/en/console/audit-log/"],
    "ecommerce-manager": ["/en/console/orders/", "/en/console/team/permissions/"],
    "business-analyst": ["/en/console/orders/"],
    "marketing-manager": ["/en/console/catalog/"],
    "content-editor": ["/en/console/catalog/worklist/"],
    "developer-tester": ["/en/console/team/api-tokens/"],
    "logistics-manager": ["/en/console/fulfilment/", "/en/console/fulfilment/shipments/"],
    "inventory-manager": ["/en/console/stock/", "/en/console/stock/reorder/"],
    "customer-service": ["/en/console/tickets/", "/en/console/customers/", "/en/console/returns/"],
}


def test_every_role_has_a_workspace():
    assert set(WORKSPACES) == set(STAFF_ROLE_CODES)


@pytest.mark.parametrize("role", STAFF_ROLE_CODES)
def test_each_role_lands_on_an_accessible_workspace(browser, live_server, shop, role):  # noqa: F811
    paid_test_order()
    page = sign_in(browser, live_server.url, staff_member(role).username)
    assert page.locator("h1").inner_text().startswith("Hello")
    assert page.locator("main .panel").count() >= 1, "the home shows what to act on"
    assert axe_violations(page) == [], "home"
    for path in WORKSPACES[role]:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    assert page.failures == []
    page.context.close()
