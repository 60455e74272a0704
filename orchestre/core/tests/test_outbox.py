import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task_backends

from orchestre.core.models import OutboxMessage
from orchestre.core.outbox import (
    email_message_id,
    enqueue_email,
    enqueue_webhook_event,
    relay_due_messages,
)

RETRY_DELAYS = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
    timedelta(hours=24),
]


class FailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


class CrashAfterSendingBackend(LocmemBackend):
    """Sends, then the process dies before the relay can record it."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise SystemExit(1)


class CrashBeforeSendingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise SystemExit(1)


class SlowBackend(LocmemBackend):
    """Leaves time for another relay to reach the same rows."""

    def send_messages(self, messages):
        time.sleep(0.002)
        return super().send_messages(messages)


def enqueue_order_email(key="order-confirmation:OR-2026-00001", **overrides):
    fields = {
        "to": "claire@example.fr",
        "subject": "Votre commande OR-2026-00001",
        "text_body": "Merci pour votre commande.",
        "html_body": "<p>Merci pour votre commande.</p>",
        **overrides,
    }
    with transaction.atomic():
        return enqueue_email(key=key, **fields)


@pytest.fixture
def webhook_receiver():
    """A local HTTP endpoint recording each request; answers with the queued statuses,
    then 200."""
    received = []
    statuses = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(statuses.pop(0) if statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    yield {"url": base_url, "received": received, "statuses": statuses}
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_an_email_leaves_right_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = enqueue_email(
            key="order-confirmation:OR-2026-00001",
            to="claire@example.fr",
            subject="Votre commande OR-2026-00001",
            text_body="Merci pour votre commande.",
            html_body="<p>Merci pour votre commande.</p>",
        )
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["claire@example.fr"]
    assert sent.from_email == "boutique@orchestre.example"
    assert sent.subject == "Votre commande OR-2026-00001"
    assert sent.body == "Merci pour votre commande."
    assert sent.alternatives == [("<p>Merci pour votre commande.</p>", "text/html")]
    expected_id = (
        f"<{hashlib.sha256(b'order-confirmation:OR-2026-00001').hexdigest()[:40]}"
        ".outbox@orchestre.example>"
    )
    assert sent.message()["Message-ID"] == expected_id
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    assert message.claimed_until is None
    assert message.sent_at is not None
    assert message.payload == {
        "to": "claire@example.fr",
        "subject": "Votre commande OR-2026-00001",
        "text_body": "Merci pour votre commande.",
        "html_body": "<p>Merci pour votre commande.</p>",
        "from": "boutique@orchestre.example",
    }


@pytest.mark.django_db
def test_a_text_only_email_has_no_html_part(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_order_email(html_body=None)

    assert mail.outbox[0].alternatives == []


@pytest.mark.django_db
def test_the_relay_task_is_enqueued_only_on_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_order_email()
        assert backend.results == []

    assert [result.task.module_path for result in backend.results] == [
        "orchestre.core.tasks.relay_outbox"
    ]
    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_message(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ENDPOINTS = [("https://hooks.example/orchestre", "secret")]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(LookupError),
        transaction.atomic(),
    ):
        enqueue_order_email()
        enqueue_webhook_event(key="order.paid:OR-2026-00001", event_type="order.paid", data={})
        raise LookupError("the order change failed after its messages were recorded")

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_enqueuing_outside_a_transaction_is_refused(settings):
    settings.WEBHOOK_ENDPOINTS = [("https://hooks.example/orchestre", "secret")]

    with pytest.raises(RuntimeError, match="inside the transaction"):
        enqueue_email(key="k", to="claire@example.fr", subject="s", text_body="b")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        enqueue_webhook_event(key="k", event_type="order.paid", data={})

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_key_returns_the_existing_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = enqueue_order_email()
        again = enqueue_order_email(subject="Another subject")

    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().payload["subject"] == "Votre commande OR-2026-00001"
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_an_over_long_key_is_refused():
    with pytest.raises(ValueError, match="at most 200 characters"):
        enqueue_order_email(key="k" * 201)
    with pytest.raises(ValueError, match="at most 187 characters"), transaction.atomic():
        enqueue_webhook_event(key="k" * 188, event_type="order.paid", data={})

    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_failed_attempts_back_off_then_give_up_after_ten(settings):
    settings.EMAIL_BACKEND = "orchestre.core.tests.test_outbox.FailingBackend"
    message = enqueue_order_email()
    moment = timezone.now()

    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        assert relay_due_messages(now=moment) == 0
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, attempt)
        assert message.next_attempt_at == moment + delay
        assert message.last_error == "ConnectionRefusedError: smtp down"
        assert relay_due_messages(now=moment + delay - timedelta(seconds=1)) == 0
        message.refresh_from_db()
        assert message.attempts == attempt
        moment += delay

    assert relay_due_messages(now=moment) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 10)
    assert message.last_error == "ConnectionRefusedError: smtp down"
    assert relay_due_messages(now=moment + timedelta(days=365)) == 0
    message.refresh_from_db()
    assert message.attempts == 10


@pytest.mark.django_db
def test_a_retry_succeeds_once_the_server_is_back(settings):
    settings.EMAIL_BACKEND = "orchestre.core.tests.test_outbox.FailingBackend"
    message = enqueue_order_email()
    moment = timezone.now()
    relay_due_messages(now=moment)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert relay_due_messages(now=moment + timedelta(seconds=30)) == 1

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.sent_at == moment + timedelta(seconds=30)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_relay_that_crashed_before_sending_is_retried_once_its_claim_expires(settings):
    settings.EMAIL_BACKEND = "orchestre.core.tests.test_outbox.CrashBeforeSendingBackend"
    message = enqueue_order_email()
    moment = timezone.now()
    with pytest.raises(SystemExit):
        relay_due_messages(now=moment)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING
    assert message.claimed_until == moment + timedelta(minutes=2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert relay_due_messages(now=moment + timedelta(minutes=2)) == 0
    assert mail.outbox == []
    assert relay_due_messages(now=moment + timedelta(minutes=2, seconds=1)) == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_resend_after_a_crash_carries_the_same_message_id(settings):
    settings.EMAIL_BACKEND = "orchestre.core.tests.test_outbox.CrashAfterSendingBackend"
    enqueue_order_email()
    moment = timezone.now()
    with pytest.raises(SystemExit):
        relay_due_messages(now=moment)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert relay_due_messages(now=moment + timedelta(minutes=3)) == 1

    first, resent = (email.message()["Message-ID"] for email in mail.outbox)
    assert (
        first
        == resent
        == email_message_id(
            key="order-confirmation:OR-2026-00001", from_email="boutique@orchestre.example"
        )
    )


@pytest.mark.django_db
def test_webhooks_are_signed_per_endpoint(settings, webhook_receiver):
    url = webhook_receiver["url"]
    settings.WEBHOOK_ENDPOINTS = [(f"{url}/erp", "erp-secret"), (f"{url}/crm", "crm-secret")]
    with transaction.atomic():
        messages = enqueue_webhook_event(
            key="order.paid:OR-2026-00001",
            event_type="order.paid",
            data={"number": "OR-2026-00001", "total": Decimal("42.50")},
        )

    assert len({message.key for message in messages}) == 2
    assert all(message.key.startswith("order.paid:OR-2026-00001@") for message in messages)
    assert messages[0].payload == {
        "url": f"{url}/erp",
        "event_type": "order.paid",
        "event_id": "order.paid:OR-2026-00001",
        "data": {"number": "OR-2026-00001", "total": "42.50"},
    }
    assert "erp-secret" not in json.dumps([message.payload for message in messages])

    assert relay_due_messages() == 2

    by_path = {request["path"]: request for request in webhook_receiver["received"]}
    assert sorted(by_path) == ["/crm", "/erp"]
    for path, secret, message in (
        ("/erp", b"erp-secret", messages[0]),
        ("/crm", b"crm-secret", messages[1]),
    ):
        request = by_path[path]
        headers = request["headers"]
        assert headers["Orchestre-Event"] == "order.paid"
        assert headers["Orchestre-Delivery"] == message.key
        assert headers["Content-Type"] == "application/json"
        timestamp, signature = (
            part.split("=", 1)[1] for part in headers["Orchestre-Signature"].split(",")
        )
        expected = hmac.new(secret, f"{timestamp}.".encode() + request["body"], hashlib.sha256)
        assert hmac.compare_digest(signature, expected.hexdigest())
        assert abs(int(timestamp) - time.time()) < 60
        message.refresh_from_db()
        assert json.loads(request["body"]) == {
            "id": "order.paid:OR-2026-00001",
            "type": "order.paid",
            "created_at": message.created_at.isoformat(),
            "data": {"number": "OR-2026-00001", "total": "42.50"},
        }
        assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_a_webhook_answered_with_an_error_is_retried(settings, webhook_receiver):
    url = f"{webhook_receiver['url']}/erp"
    settings.WEBHOOK_ENDPOINTS = [(url, "erp-secret")]
    webhook_receiver["statuses"].extend([500, 302])
    with transaction.atomic():
        (message,) = enqueue_webhook_event(key="order.paid:1", event_type="order.paid", data={})
    moment = timezone.now()

    assert relay_due_messages(now=moment) == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error == f"WebhookRejected: HTTP 500 from {url}"
    assert message.next_attempt_at == moment + timedelta(seconds=30)

    assert relay_due_messages(now=moment + timedelta(seconds=30)) == 0
    message.refresh_from_db()
    assert message.last_error == f"WebhookRejected: HTTP 302 from {url}"

    assert relay_due_messages(now=moment + timedelta(minutes=3)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert len(webhook_receiver["received"]) == 3
    deliveries = {
        request["headers"]["Orchestre-Delivery"] for request in webhook_receiver["received"]
    }
    assert deliveries == {message.key}


@pytest.mark.django_db
def test_a_webhook_to_an_unreachable_endpoint_is_retried(settings):
    # Nothing listens on port 9 (discard) of the loopback interface.
    settings.WEBHOOK_ENDPOINTS = [("http://127.0.0.1:9/hook", "secret")]
    with transaction.atomic():
        (message,) = enqueue_webhook_event(key="order.paid:1", event_type="order.paid", data={})

    assert relay_due_messages() == 0

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error.startswith("URLError: ")


@pytest.mark.django_db
def test_a_webhook_whose_endpoint_was_removed_fails_at_once(settings, webhook_receiver):
    settings.WEBHOOK_ENDPOINTS = [(webhook_receiver["url"], "secret")]
    with transaction.atomic():
        (message,) = enqueue_webhook_event(key="order.paid:1", event_type="order.paid", data={})
    settings.WEBHOOK_ENDPOINTS = []

    assert relay_due_messages() == 0

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert message.last_error == (
        "PermanentFailure: the endpoint is no longer in ORCHESTRE_WEBHOOK_ENDPOINTS"
    )
    assert webhook_receiver["received"] == []


@pytest.mark.django_db
def test_no_webhook_endpoint_records_nothing(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ENDPOINTS = []
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        messages = enqueue_webhook_event(key="order.paid:1", event_type="order.paid", data={})

    assert messages == []
    assert OutboxMessage.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_relay_sends_at_most_limit_messages_oldest_first():
    for number in range(3):
        enqueue_order_email(key=f"mail-{number}")

    assert relay_due_messages(limit=2) == 2

    assert [email.message()["Message-ID"] for email in mail.outbox] == [
        email_message_id(key=f"mail-{number}", from_email="boutique@orchestre.example")
        for number in range(2)
    ]
    assert OutboxMessage.objects.get(key="mail-2").status == OutboxMessage.Status.PENDING


def run_in_threads(count, target):
    start = threading.Barrier(count)
    results = [None] * count
    errors = []

    def run(index):
        try:
            start.wait()
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_never_send_the_same_message(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "orchestre.core.tests.test_outbox.SlowBackend"
    with transaction.atomic():
        for number in range(60):
            enqueue_email(key=f"mail-{number}", to="a@example.fr", subject="s", text_body="b")

    sent_counts = run_in_threads(4, lambda index: relay_due_messages())

    assert sum(sent_counts) == 60
    message_ids = [email.message()["Message-ID"] for email in mail.outbox]
    assert len(message_ids) == 60
    assert len(set(message_ids)) == 60
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db(transaction=True)
def test_concurrent_enqueues_of_one_key_record_and_send_one_message():
    def enqueue(index):
        with transaction.atomic():
            return enqueue_email(
                key="order-confirmation:OR-2026-00001",
                to="claire@example.fr",
                subject=f"attempt {index}",
                text_body="b",
            ).pk

    primary_keys = run_in_threads(8, enqueue)

    assert len(set(primary_keys)) == 1
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
