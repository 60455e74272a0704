"""The sandbox processor's webhook sender: signed, retried with backoff, claimed per row."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from orchestre.payments.models import SandboxWebhook
from orchestre.payments.providers import sandbox_processor as processor
from orchestre.payments.providers.sandbox import verify_signature
from orchestre.payments.tasks import deliver_sandbox_webhooks_task
from orchestre.payments.tests.support import deliver, pay

pytestmark = pytest.mark.django_db


class Answering:
    """A transport answering with the given statuses in turn (an exception is raised)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls: list[tuple[str, bytes, dict]] = []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_a_webhook_is_posted_signed_to_the_shop(settings):
    settings.SHOP_URL = "https://shop.example/"
    pay("tok_success")
    transport = Answering(200)

    assert deliver(transport) == 1

    [(url, body, headers)] = transport.calls
    assert url == "https://shop.example/api/v1/payments/webhooks/sandbox"
    assert headers["Content-Type"] == "application/json"
    verify_signature(body, headers["Orchestre-Sandbox-Signature"])
    event = json.loads(body)
    assert event["type"] == "payment.succeeded"
    assert set(event) == {"id", "type", "created", "data"}
    webhook = SandboxWebhook.objects.get()
    assert (webhook.status, webhook.attempts, webhook.last_status, webhook.last_error) == (
        "delivered",
        1,
        200,
        "",
    )
    assert webhook.delivered_at is not None
    assert body == webhook.body.encode()


def test_a_delivered_webhook_is_not_sent_again():
    pay("tok_success")
    deliver(Answering(200))
    transport = Answering()

    assert deliver(transport, after_seconds=3600) == 0
    assert transport.calls == []


def test_a_refused_delivery_is_retried_with_growing_delays():
    pay("tok_success")
    transport = Answering(500, OSError("connection refused"), 204)
    started = timezone.now()

    assert deliver(transport) == 0
    webhook = SandboxWebhook.objects.get()
    assert (webhook.status, webhook.attempts, webhook.last_status, webhook.last_error) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    assert timedelta(seconds=10) <= webhook.due_at - started < timedelta(seconds=11)

    assert deliver(transport, after_seconds=5) == 0  # not due yet
    assert len(transport.calls) == 1

    assert deliver(transport, after_seconds=11) == 0
    webhook.refresh_from_db()
    assert (webhook.attempts, webhook.last_status, webhook.last_error) == (
        2,
        None,
        "OSError: connection refused",
    )
    assert timedelta(seconds=41) <= webhook.due_at - started < timedelta(seconds=42)

    assert deliver(transport, after_seconds=42) == 1
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.last_status) == ("delivered", 3, 204)


def test_each_attempt_is_signed_anew():
    pay("tok_success")
    transport = Answering(503, 200)

    deliver(transport)
    deliver(transport, after_seconds=11)

    first, second = (headers["Orchestre-Sandbox-Signature"] for _, _, headers in transport.calls)
    assert first.startswith("t=") and second.startswith("t=")
    for _, body, headers in transport.calls:
        verify_signature(body, headers["Orchestre-Sandbox-Signature"])


def test_the_sender_gives_up_after_eight_attempts():
    pay("tok_success")
    transport = Answering(*[500] * 8)
    delays = [0, *processor.RETRY_DELAYS]

    elapsed = 0
    for delay in delays:
        elapsed += delay
        deliver(transport, after_seconds=elapsed + 1)

    webhook = SandboxWebhook.objects.get()
    assert (webhook.status, webhook.attempts) == ("failed", 8)
    assert len(transport.calls) == 8
    assert deliver(Answering(), after_seconds=10**6) == 0


def test_a_webhook_claimed_by_another_sender_is_left_alone():
    pay("tok_success")
    SandboxWebhook.objects.update(claimed_until=timezone.now() + timedelta(seconds=60))
    transport = Answering()

    assert deliver(transport) == 0
    assert transport.calls == []
    assert deliver(Answering(200), after_seconds=61) == 1


def test_due_timeout_results_are_decided_and_sent_by_the_same_run(settings):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 5
    pay("tok_timeout")
    transport = Answering(200)

    assert deliver(transport) == 0
    assert deliver(transport, after_seconds=6) == 1

    [(_, body, _)] = transport.calls
    assert json.loads(body)["type"] == "payment.succeeded"


class Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, dict, bytes]] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Recorder.received.append((self.path, dict(self.headers), self.rfile.read(length)))
        self.send_response(202 if len(Recorder.received) > 1 else 503)
        self.end_headers()

    def log_message(self, *arguments):
        pass


def test_the_default_transport_posts_over_http(settings):
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.received = []
    settings.SHOP_URL = f"http://127.0.0.1:{server.server_port}"
    try:
        pay("tok_success")
        assert processor.deliver_due_sandbox_webhooks() == 0  # 503 from the shop
        assert (
            processor.deliver_due_sandbox_webhooks(now=timezone.now() + timedelta(seconds=11)) == 1
        )
    finally:
        server.shutdown()
        server.server_close()

    assert [path for path, _, _ in Recorder.received] == ["/api/v1/payments/webhooks/sandbox"] * 2
    _, headers, body = Recorder.received[1]
    verify_signature(body, headers["Orchestre-Sandbox-Signature"])
    assert SandboxWebhook.objects.get().last_status == 202


def test_an_unreachable_shop_is_an_attempt_to_retry(settings):
    settings.SHOP_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    pay("tok_success")

    assert processor.deliver_due_sandbox_webhooks() == 0

    webhook = SandboxWebhook.objects.get()
    assert (webhook.status, webhook.attempts, webhook.last_status) == ("pending", 1, None)
    assert webhook.last_error.startswith("URLError")


def test_the_task_runs_the_sender(settings, monkeypatch):
    pay("tok_success")
    sent = []
    monkeypatch.setattr(processor, "post_json", lambda url, body, headers: sent.append(url) or 200)

    result = deliver_sandbox_webhooks_task.enqueue()

    assert result.return_value == 1
    assert sent == [settings.SHOP_URL + "/api/v1/payments/webhooks/sandbox"]
