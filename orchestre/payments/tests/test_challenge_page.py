"""The sandbox's 3-D Secure page in the storefront: the bank's page the shopper answers."""

import json
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from orchestre.payments.models import SandboxCharge, SandboxWebhook
from orchestre.payments.tests.support import pay

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _french_shop():
    """The bank's page is tested at the shop's French addresses, in French."""
    with translation.override("fr"):
        yield


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def challenge():
    return pay("tok_3ds").next_action_url


def test_the_page_shows_the_amount_and_asks_to_approve_or_refuse(client, challenge):
    response = client.get(challenge)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = page(response)
    assert '<html lang="fr">' in html
    assert f"42,50{NBSP}€" in html
    assert "<dd>OR-2026-00001</dd>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<form method="post" action="' + challenge + '">' in html
    assert "<fieldset>" in html and "<legend>" in html
    assert '<button type="submit" name="decision" value="approve">' in html
    assert '<button type="submit" name="decision" value="refuse">' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'aria-live="assertive"' in html


def test_the_page_in_english(client):
    with translation.override("en"):
        challenge = pay("tok_3ds").next_action_url

    html = page(client.get(challenge))

    assert '<html lang="en">' in html
    assert '<h1 id="challenge-heading">Payment authentication</h1>' in html
    assert "€42.50" in html
    assert ">Approve</button>" in html and ">Refuse</button>" in html


def test_approving_settles_the_charge_queues_the_webhook_and_returns_to_the_shop(challenge):
    client = Client(enforce_csrf_checks=True)
    client.get(challenge)

    response = client.post(
        challenge, {"decision": "approve", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )

    assert response.status_code == 302
    assert response["Location"] == "/checkout/return/abc/"
    assert response["Cache-Control"] == "private, no-store"
    assert SandboxCharge.objects.get().status == "succeeded"
    event = json.loads(SandboxWebhook.objects.get().body)
    assert (event["type"], event["data"]["status"]) == ("payment.succeeded", "succeeded")


def test_refusing_fails_the_charge(client, challenge):
    response = client.post(challenge, {"decision": "refuse"})

    assert response["Location"] == "/checkout/return/abc/"
    charge = SandboxCharge.objects.get()
    assert (charge.status, charge.failure_code) == ("failed", "authentication_failed")
    assert json.loads(SandboxWebhook.objects.get().body)["type"] == "payment.failed"


def test_a_post_without_the_csrf_token_is_refused(challenge):
    response = Client(enforce_csrf_checks=True).post(challenge, {"decision": "approve"})

    assert response.status_code == 403
    assert SandboxCharge.objects.get().status == "requires_action"


def test_an_answer_that_is_neither_is_refused_with_a_message(client, challenge):
    response = client.post(challenge, {"decision": "maybe"})

    assert response.status_code == 400
    assert '<p class="form-error" role="alert">' in page(response)
    assert SandboxCharge.objects.get().status == "requires_action"
    assert SandboxWebhook.objects.count() == 0


def test_a_second_answer_changes_nothing_and_returns_to_the_shop(client, challenge):
    client.post(challenge, {"decision": "refuse"})

    response = client.post(challenge, {"decision": "approve"})

    assert response["Location"] == "/checkout/return/abc/"
    assert SandboxCharge.objects.get().status == "failed"
    assert SandboxWebhook.objects.count() == 1


def test_an_answered_challenge_says_so_with_a_way_back(client, challenge):
    client.post(challenge, {"decision": "approve"})

    html = page(client.get(challenge))

    assert "<form" not in html.split('<main id="main"', 1)[1]
    assert '<a href="/checkout/return/abc/">' in html


def test_an_unknown_charge_is_not_found(client):
    assert client.get("/payment/sandbox/challenge/ch_sbx_nope/").status_code == 404
    assert client.post("/payment/sandbox/challenge/ch_sbx_nope/").status_code == 404


def test_the_shop_address_is_a_valid_return_address(client, settings):
    settings.SHOP_URL = "https://shop.example"
    payment = pay("tok_3ds", return_url="https://shop.example/checkout/return/abc/")

    response = client.post(payment.next_action_url, {"decision": "approve"})

    assert response["Location"] == "https://shop.example/checkout/return/abc/"


def test_a_return_address_off_the_shop_sends_the_shopper_home(client):
    payment = pay("tok_3ds", return_url="https://elsewhere.example/steal")

    response = client.post(payment.next_action_url, {"decision": "approve"})

    assert response["Location"] == "/"


def test_other_methods_are_not_allowed(client, challenge):
    assert client.put(challenge).status_code == 405


def test_there_is_no_challenge_page_when_the_sandbox_is_off(client, challenge, settings):
    settings.PAYMENT_PROVIDERS = ["stripe"]

    assert client.get(challenge).status_code == 404
    assert client.post(challenge, {"decision": "approve"}).status_code == 404
    assert SandboxCharge.objects.get().status == "requires_action"
