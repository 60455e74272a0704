import re
from html import unescape

import pytest
from django.utils import translation

from orchestre.orders.emails import build_order_confirmation
from orchestre.orders.selectors import get_order_by_number
from orchestre.orders.tests.factories import paid_test_order

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _shop(settings):
    settings.SHOP_URL = "https://shop.example"
    settings.SHOP_NAME = "Orchestre"


def text_of(html: str) -> str:
    """The visible text of an HTML body, runs of spaces and line breaks (but not no-break
    spaces) collapsed."""
    return re.sub(r"[ \t\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_french_e_mail_has_everything_the_buyer_needs(django_assert_num_queries):
    order = get_order_by_number(paid_test_order(language="fr").number)
    token = order.access_token

    with django_assert_num_queries(0):
        subject, text, html = build_order_confirmation(order)

    assert order.number in subject
    assert '<html lang="fr">' in html
    for body in (text, text_of(html)):
        assert order.number in body
        assert "Photophore cœur blanc" in body
        assert "Mug rétro" in body
        assert "Livre de recettes" in body
        assert f"23,05{NBSP}€" in body
        assert f"2,15{NBSP}€" in body  # VAT at 20 %
        assert f"0,53{NBSP}€" in body  # VAT at 5.5 %
        assert f"10,74{NBSP}€" in body  # its base
        assert "5,5 %" in body
        assert "Colissimo à domicile" in body
        assert "mardi 1 décembre 2026" in body
        assert "jeudi 3 décembre 2026" in body
        assert "8 rue des Lilas" in body  # shipping address
        assert "3 place Bellecour" in body  # billing address
        assert "69003 Lyon" in body
        assert order.invoice.number in body
        assert "14" in body  # days to withdraw
    assert f"https://shop.example/order/{token}/" in text
    assert f"https://shop.example/order/{token}/invoice/" in text
    assert f"https://shop.example/order/{token}/invoice.pdf" in text
    assert f'href="https://shop.example/order/{token}/"' in html
    assert f'href="https://shop.example/order/{token}/invoice/"' in html
    assert f'href="https://shop.example/order/{token}/invoice.pdf"' in html
    assert "&lt;" not in text  # the text part is not HTML-escaped


def test_the_english_e_mail_speaks_english_with_english_links():
    order = get_order_by_number(paid_test_order(language="en").number)
    token = order.access_token

    subject, text, html = build_order_confirmation(order)

    assert subject == f"Your order {order.number} at Orchestre is confirmed"
    assert '<html lang="en">' in html
    assert "€23.05" in text
    assert "Tuesday 1 December 2026" in text
    assert f"https://shop.example/en/order/{token}/" in text
    assert f'href="https://shop.example/en/order/{token}/invoice.pdf"' in html
    assert "Right of withdrawal" in text
    assert "You may withdraw from this purchase within 14 days of receiving your parcel" in text
    assert "Estimated delivery between Tuesday 1 December 2026 and Thursday 3 December" in text


def test_the_buyer_language_wins_over_the_active_one():
    order = get_order_by_number(paid_test_order(language="en").number)

    with translation.override("fr"):
        _subject, text, _html = build_order_confirmation(order)

        assert translation.get_language() == "fr"
    assert "€23.05" in text
