"""The storefront in a real browser: Debian's Chromium driven by Playwright against the live
test server, axe-core for WCAG 2.1 A/AA, and the keyboard paths (skip link, search box).

Without /usr/bin/chromium these tests are skipped, unless ORCHESTRE_REQUIRE_BROWSER=1 (as
in CI), which turns the missing browser into a failure."""

import re

import pytest

from orchestre.storefront.tests.browser_support import axe_violations, open_page

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/c/decoration/",
    "/c/bougies/?colour=red&sort=price",
    "/p/white-hanging-heart-t-light-holder/",
    "/p/red-scented-candle/",
    "/search/?q=lantern",
    "/search/?q=zzzzqqq",
    "/c/nothing-here/",
]


@pytest.mark.parametrize("language", ["", "/en"])
def test_pages_have_no_wcag_violations(page, live_server, shop, language):
    for path in PAGES:
        page.goto(live_server.url + language + path)

        assert axe_violations(page) == [], path
    assert page.failures == []


def test_styles_and_scripts_load(page, live_server, shop):
    page.goto(live_server.url + "/")

    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(250, 247, 242)"
    assert page.evaluate("document.querySelector('.card img').naturalWidth") == 240
    assert page.failures == []


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, live_server, shop):
    page.goto(live_server.url + "/c/bougies/")

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0  # shown on focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_search_autocomplete_with_the_keyboard(page, live_server, shop):
    page.goto(live_server.url + "/")
    search_box = page.locator("#search-input")
    suggestions = page.locator("#search-suggestions")

    for _ in range(3):  # skip link, shop name, search box
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("lant")

    suggestions.wait_for(state="visible")
    assert search_box.get_attribute("aria-expanded") == "true"
    first = suggestions.locator('[role="option"]').first
    assert first.inner_text() == "White Metal Lantern"
    assert axe_violations(page) == []
    assert page.locator("#suggestions-status").inner_text().startswith("1 suggestion")

    page.keyboard.press("ArrowDown")
    assert search_box.get_attribute("aria-activedescendant") == "search-suggestion-0"
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")

    page.wait_for_url(live_server.url + "/p/white-metal-lantern/")
    assert page.locator("h1").inner_text() == "White Metal Lantern"


def test_escape_closes_the_suggestions_then_clears_the_box(page, live_server, shop):
    page.goto(live_server.url + "/en/")
    search_box = page.locator("#search-input")
    suggestions = page.locator("#search-suggestions")
    search_box.focus()
    page.keyboard.type("heart")
    suggestions.wait_for(state="visible")

    page.keyboard.press("Escape")

    assert suggestions.is_hidden()
    assert search_box.get_attribute("aria-expanded") == "false"
    assert search_box.input_value() == "heart"
    page.keyboard.press("Escape")
    assert search_box.input_value() == ""


def test_enter_without_a_chosen_suggestion_submits_the_search(page, live_server, shop):
    page.goto(live_server.url + "/")
    page.locator("#search-input").focus()
    page.keyboard.type("lantern")
    page.locator("#search-suggestions").wait_for(state="visible")

    page.keyboard.press("Enter")

    page.wait_for_url(live_server.url + "/search/?q=lantern")
    assert page.locator("h1").inner_text() == "Résultats pour «\u00a0lantern\u00a0»"


def test_filters_update_the_results_in_place_with_htmx(page, live_server, shop):
    page.goto(live_server.url + "/c/bougies/")
    page.evaluate("document.body.dataset.loadedOnce = 'yes'")

    page.get_by_label("Rouge").check()

    page.wait_for_url(re.compile(r".*/c/bougies/\?.*colour=red.*"))
    page.locator("#listing-status", has_text="9 produits").wait_for()
    assert page.locator("#results .card").count() == 9
    assert page.evaluate("document.body.dataset.loadedOnce") == "yes"  # no full reload
    assert page.locator("a.language").get_attribute("href").startswith("/en/c/bougies/?")
    assert axe_violations(page) == []


def test_pagination_with_htmx_moves_focus_to_the_results(page, live_server, shop):
    page.goto(live_server.url + "/c/bougies/")

    page.get_by_role("link", name="Page suivante").click()

    page.wait_for_url(live_server.url + "/c/bougies/?page=2")
    page.locator("#results .card").first.wait_for()
    assert page.locator("#results .card").count() == 2
    # The focus moves once htmx has settled the swap, a moment after the cards appear.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results'")


def test_forms_work_without_javascript(browser, live_server, shop):
    page = open_page(browser, java_script_enabled=False)
    page.goto(live_server.url + "/")

    page.locator("#search-input").fill("glass tea light")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/search/?q=glass+tea+light")
    assert page.locator("#listing-status").inner_text() == "26 produits"

    page.goto(live_server.url + "/c/bougies/")
    page.get_by_label("Rouge").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile(r".*colour=red.*"))
    assert page.locator("#results .card").count() == 9
    page.context.close()


def test_language_switch_keeps_the_page(page, live_server, shop):
    page.goto(live_server.url + "/p/white-metal-lantern/")

    page.get_by_role("link", name="English").click()

    page.wait_for_url(live_server.url + "/en/p/white-metal-lantern/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".product-price").inner_text() == "€3.75 VAT incl."


def test_the_accessibility_check_does_report_violations(page, live_server, shop):
    page.goto(live_server.url + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><img src=\"/images/p/85123A.svg\">')"
    )

    assert {violation.split(":")[0] for violation in axe_violations(page)} == {
        "image-alt",
        "label",
    }


# The cart ------------------------------------------------------------------------------


def cart_lines():
    from orchestre.cart.models import CartLine

    return list(CartLine.objects.order_by("pk").values_list("product__sku", "quantity"))


def test_add_to_cart_with_htmx_confirms_in_place_and_updates_the_mini_cart(page, live_server, shop):
    page.goto(live_server.url + "/en/p/white-hanging-heart-t-light-holder/")
    page.evaluate("document.body.dataset.loadedOnce = 'yes'")
    assert page.locator("#mini-cart").inner_text() == "Cart"

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart", exact=True).click()

    status = page.locator(".product-info .add-status")
    status.get_by_text("Added to your cart").wait_for()
    assert status.inner_text() == (
        "Added to your cart: 2 × White Hanging Heart T-Light Holder. View cart"
    )
    assert status.get_attribute("role") == "status"
    page.locator("#mini-cart", has_text="2 items").wait_for()
    assert page.evaluate("document.body.dataset.loadedOnce") == "yes"  # no full reload
    assert cart_lines() == [("85123A", 2)]
    assert axe_violations(page) == []
    assert page.failures == []


def test_a_stock_error_is_shown_next_to_the_button(page, live_server, shop):
    page.goto(live_server.url + "/en/p/white-metal-lantern/")

    page.get_by_label("Quantity").fill("5")
    page.get_by_role("button", name="Add to cart", exact=True).click()

    status = page.locator(".product-info .add-status")
    status.get_by_text("Not added").wait_for()
    assert status.inner_text() == "Not added: Only 3 left."
    assert page.locator("#mini-cart").inner_text() == "Cart"
    assert cart_lines() == []
    assert axe_violations(page) == []


def test_add_to_cart_from_a_product_card(page, live_server, shop):
    page.goto(live_server.url + "/en/c/bougies/")

    page.get_by_role("button", name="Add to cart: White Metal Lantern").click()

    page.locator("#mini-cart", has_text="1 item").wait_for()
    assert cart_lines() == [("71053", 1)]
    assert page.failures == []


@pytest.mark.parametrize("language", ["", "/en"])
def test_cart_pages_have_no_wcag_violations(page, live_server, shop, language):
    from orchestre.inventory.models import StockLevel

    page.goto(live_server.url + language + "/cart/")
    assert axe_violations(page) == [], "empty cart"
    page.goto(live_server.url + language + "/p/white-hanging-heart-t-light-holder/")
    page.locator(".product-info .add-to-cart button").click()
    page.locator("#mini-cart .cart-count").wait_for()
    page.goto(live_server.url + language + "/p/white-metal-lantern/")
    page.locator(".product-info .add-to-cart button").click()
    page.locator("#mini-cart", has_text="2").wait_for()
    StockLevel.objects.filter(product=shop.lantern).update(quantity=0)

    page.goto(live_server.url + language + "/cart/")

    assert page.locator(".line-warning").count() == 1
    assert axe_violations(page) == [], "cart with a shortage"
    page.goto(live_server.url + language + "/account/sign-in/")
    assert axe_violations(page) == [], "sign-in"
    assert page.failures == []


def test_cart_updates_with_htmx_keep_the_focus_and_the_totals(page, live_server, shop):
    from orchestre.cart.models import Cart
    from orchestre.cart.tests.factories import CartLineFactory

    page.goto(live_server.url + "/en/p/white-hanging-heart-t-light-holder/")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.locator("#mini-cart .cart-count").wait_for()
    CartLineFactory(cart=Cart.objects.get(), product=shop.mug)
    page.goto(live_server.url + "/en/cart/")
    page.evaluate("document.body.dataset.loadedOnce = 'yes'")
    quantity = page.get_by_label("Quantity of White Hanging Heart T-Light Holder")

    quantity.fill("3")
    quantity.press("Enter")

    page.locator("#cart-status", has_text="quantity changed to 3").wait_for()
    page.wait_for_function(f"document.activeElement.id === '{quantity.get_attribute('id')}'")
    assert page.locator(".totals .grand-total").inner_text() == "Total before delivery\n€13.10"
    page.locator("#mini-cart", has_text="4 items").wait_for()

    page.get_by_role("button", name="Remove Retro Coffee Mug").click()

    page.locator("#cart-status", has_text="Retro Coffee Mug was removed").wait_for()
    page.wait_for_function("document.activeElement.id === 'cart-heading'")
    page.locator("#mini-cart", has_text="3 items").wait_for()
    assert page.evaluate("document.body.dataset.loadedOnce") == "yes"
    assert cart_lines() == [("85123A", 3)]
    assert axe_violations(page) == []
    assert page.failures == []


def test_a_refused_quantity_is_explained_at_its_field(page, live_server, shop):
    page.goto(live_server.url + "/en/p/white-metal-lantern/")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.locator("#mini-cart .cart-count").wait_for()
    page.goto(live_server.url + "/en/cart/")
    quantity = page.get_by_label("Quantity of White Metal Lantern")

    quantity.fill("7")
    quantity.press("Enter")

    page.locator(".field-error").wait_for()
    assert page.locator(".field-error").inner_text() == "Only 3 left."
    assert page.locator("#cart-status").inner_text() == ("Error: White Metal Lantern: Only 3 left.")
    page.wait_for_function("document.activeElement.getAttribute('aria-invalid') === 'true'")
    assert cart_lines() == [("71053", 1)]
    assert axe_violations(page) == []


def test_the_cart_works_without_javascript(browser, live_server, shop):
    page = open_page(browser, java_script_enabled=False)
    page.goto(live_server.url + "/en/p/white-hanging-heart-t-light-holder/")

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart", exact=True).click()

    page.wait_for_url(live_server.url + "/en/cart/")
    assert page.locator("#cart-status").inner_text() == (
        "Added to your cart: 2 × White Hanging Heart T-Light Holder."
    )
    page.get_by_label("Quantity of White Hanging Heart T-Light Holder").fill("4")
    page.get_by_role("button", name="Update White Hanging Heart T-Light Holder").click()
    page.locator("#cart-status", has_text="quantity changed to 4").wait_for()
    assert cart_lines() == [("85123A", 4)]
    page.get_by_role("button", name="Remove White Hanging Heart T-Light Holder").click()
    page.locator("#cart-status", has_text="was removed").wait_for()
    assert page.locator(".empty-cart").inner_text().startswith("Your cart is empty.")
    assert page.failures == []
    page.context.close()


def test_sign_in_merges_the_cart_and_the_orders_page_is_accessible(page, live_server, shop):
    from django.db import transaction

    from orchestre.orders.services import place_order
    from orchestre.orders.tests.factories import order_arguments
    from orchestre.users.models import User

    user = User.objects.create_user(
        username="marie@example.fr", email="marie@example.fr", password="a long password 42"
    )
    with transaction.atomic():
        place_order(**order_arguments(products=[shop.heart, shop.mug, shop.frame], user=user))
    page.goto(live_server.url + "/en/p/retro-coffee-mug/")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.locator("#mini-cart .cart-count").wait_for()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill("Marie@example.fr")
    page.get_by_label("Password").fill("a long password 42")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(live_server.url + "/en/account/orders/")
    assert page.locator(".orders-table tbody tr").count() == 1
    page.locator("#mini-cart", has_text="1 item").wait_for()
    assert axe_violations(page) == []
    assert cart_lines() == [("37370", 1)]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.get_by_role("link", name="Sign in").count() == 1
    assert page.failures == []
