"""The purchase in a real browser: from the product page to the paid order, with the
keyboard, with 3-D Secure, and without JavaScript; axe-core checks every step."""

import pytest

from orchestre.orders.models import Order
from orchestre.shipping.offer import install_default_offer
from orchestre.storefront.tests.browser_support import axe_violations, open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def offer(db):
    install_default_offer()  # the live server's tests empty the tables between tests


def add_hearts_and_go_to_checkout(page, base_url: str, language: str = "/en") -> None:
    page.goto(base_url + language + "/p/white-hanging-heart-t-light-holder/")
    page.locator(".product-info input[name=quantity]").fill("2")
    page.locator(".product-info button[type=submit]").click()
    page.locator("#mini-cart", has_text="2").wait_for()
    page.goto(base_url + language + "/cart/")
    page.locator("a.button[href$='/checkout/']").click()
    page.wait_for_url(f"{base_url}{language}/checkout/")


def htmx_settled(page) -> None:
    """Wait for the delivery refresh the address fields started (a person types slower)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def fill_details(page) -> None:
    page.locator("#id_email").fill("marie@example.fr")
    page.locator("#id_shipping-first_name").fill("Marie")
    page.locator("#id_shipping-last_name").fill("Curie")
    page.locator("#id_shipping-line1").fill("12 rue de la Paix")
    page.locator("#id_shipping-postcode").fill("75002")
    page.locator("#id_shipping-city").fill("Paris")


@pytest.mark.parametrize("language", ["", "/en"])
def test_a_guest_buys_with_the_keyboard_on_accessible_pages(
    page, live_server, shop, offer, language
):
    add_hearts_and_go_to_checkout(page, live_server.url, language)
    assert axe_violations(page) == [], "checkout"
    assert page.locator("#billing-address").is_hidden()

    fill_details(page)
    htmx_settled(page)
    page.locator("#delivery-mondial-relay").focus()
    page.keyboard.press("Space")
    htmx_settled(page)
    # htmx puts the focus back on the radio button it replaced.
    assert page.evaluate("document.activeElement.id") == "delivery-mondial-relay"
    assert page.locator("#delivery-mondial-relay").is_checked()
    page.locator("#order-summary", has_text="Mondial Relay").wait_for()
    page.locator("#accept-terms").focus()
    page.keyboard.press("Space")
    page.locator("button.place-order").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}{language}/order/**")
    order = Order.objects.get()
    assert (order.status, order.delivery_method_code) == ("paid", "mondial-relay")
    assert order.number in page.locator("h1").inner_text()
    assert axe_violations(page) == [], "order page"
    assert page.failures == []


def test_errors_are_announced_focused_and_accessible(page, live_server, shop, offer):
    add_hearts_and_go_to_checkout(page, live_server.url)

    page.locator("#id_shipping-postcode").fill("7500")
    page.locator("button.place-order").click()

    alert = page.locator("#checkout-errors")
    alert.wait_for()
    page.wait_for_function("document.activeElement.id === 'checkout-errors'")
    assert page.locator("#id_shipping-postcode").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    assert Order.objects.count() == 0


def test_3d_secure_goes_to_the_bank_page_and_back_to_the_paid_order(page, live_server, shop, offer):
    add_hearts_and_go_to_checkout(page, live_server.url)
    fill_details(page)
    page.locator("#payment-tok_3ds").check()
    page.locator("#accept-terms").check()
    page.locator("button.place-order").click()

    page.get_by_role("button", name="Approve").wait_for()
    assert axe_violations(page) == [], "3-D Secure page"
    page.get_by_role("button", name="Approve").click()

    page.wait_for_url(f"{live_server.url}/en/order/**")
    assert Order.objects.get().status == "paid"
    assert axe_violations(page) == []


def test_the_purchase_works_without_javascript(browser, live_server, shop, offer):
    page = open_page(browser, java_script_enabled=False)
    page.goto(live_server.url + "/en/p/white-hanging-heart-t-light-holder/")
    page.get_by_label("Quantity").fill("1")
    page.locator(".product-info button[type=submit]").click()
    page.wait_for_url(live_server.url + "/en/cart/")
    page.locator("a.button[href$='/checkout/']").click()

    fill_details(page)
    page.locator("#id_shipping-country").select_option("BE")
    page.locator("#id_shipping-postcode").fill("1000")
    page.locator("#id_shipping-city").fill("Bruxelles")
    page.get_by_role("button", name="Update delivery options for this address").click()
    page.locator("#delivery-colissimo-europe").check()
    page.locator("#accept-terms").check()
    page.locator("button.place-order").click()

    page.wait_for_url(f"{live_server.url}/en/order/**")
    order = Order.objects.get()
    assert (order.status, order.country_code, order.delivery_method_code) == (
        "paid",
        "BE",
        "colissimo-europe",
    )
    assert page.failures == []
    page.context.close()
