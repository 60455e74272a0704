"""The transactional outbox: e-mails and webhooks are written as rows in the same transaction
as the change they report, then sent by a relay once that transaction has committed.

A rolled-back change leaves no message; a committed one is sent even if the process dies
right after the commit (the periodic relay of `orchestre worker` picks it up). Delivery is
at least once: a relay that crashes between sending and recording the result lets the
message be sent again after its claim expires, so every message carries a stable identity
derived from its key (the e-mail's `Message-ID`, the webhook's `Orchestre-Delivery`) for
the receiver to recognise the repeat. See docs/adr/0007-outbox-and-background-work.md.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from orchestre.core.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Wait after the 1st, 2nd, … failed attempt; the 10th failure marks the message failed.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
    timedelta(hours=24),
)
# Longer than any send may take (network timeouts below), so a live relay's claim never
# expires under it; a crashed relay's message is retried once the claim has run out.
CLAIM_DURATION = timedelta(minutes=2)
EMAIL_TIMEOUT_SECONDS = 30
WEBHOOK_TIMEOUT_SECONDS = 5
CANDIDATES_PER_QUERY = 20
MAX_KEY_LENGTH = OutboxMessage._meta.get_field("key").max_length
# Webhook rows are keyed "<event key>@<endpoint id>": room left for the endpoint id.
ENDPOINT_ID_LENGTH = 12
MAX_EVENT_KEY_LENGTH = MAX_KEY_LENGTH - ENDPOINT_ID_LENGTH - 1


class PermanentFailure(Exception):
    """A message that no retry can deliver (its webhook endpoint is no longer configured)."""


class WebhookRejected(Exception):
    """The endpoint answered, but not with a 2xx status: the delivery is retried."""


def enqueue_email(
    *, key: str, to: str, subject: str, text_body: str, html_body: str | None = None
) -> OutboxMessage:
    """Record an e-mail to send once the current transaction commits.

    Must be called inside the transaction that makes the change the e-mail reports.
    Idempotent on `key`: the same key again returns the existing row and records nothing.
    Raises RuntimeError outside a transaction, ValueError for a key over 200 characters.
    """
    _require_transaction()
    payload = {
        "to": to,
        "subject": subject,
        "text_body": text_body,
        "html_body": html_body,
        "from": settings.DEFAULT_FROM_EMAIL,
    }
    message, created = _record(kind=OutboxMessage.Kind.EMAIL, key=key, payload=payload)
    if created:
        relay_after_commit()
    return message


def enqueue_webhook_event(*, key: str, event_type: str, data: dict) -> list[OutboxMessage]:
    """Record one webhook delivery per endpoint of `settings.WEBHOOK_ENDPOINTS`, sent once
    the current transaction commits; none configured → [].

    `data` is stored as JSON (Decimal and dates become strings). The endpoint's secret is
    not stored: it is looked up by URL when the delivery is signed. Idempotent on `key`
    per endpoint. Raises RuntimeError outside a transaction, ValueError for a key over
    187 characters.
    """
    _require_transaction()
    if len(key) > MAX_EVENT_KEY_LENGTH:
        raise ValueError(f"An event key has at most {MAX_EVENT_KEY_LENGTH} characters.")
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    messages = []
    created_any = False
    for url, _secret in settings.WEBHOOK_ENDPOINTS:
        payload = {"url": url, "event_type": event_type, "event_id": key, "data": data}
        message, created = _record(
            kind=OutboxMessage.Kind.WEBHOOK, key=f"{key}@{_endpoint_id(url)}", payload=payload
        )
        messages.append(message)
        created_any = created_any or created
    if created_any:
        relay_after_commit()
    return messages


def relay_after_commit() -> None:
    """Enqueue the relay task once the current transaction commits, so messages leave
    right away instead of at the next periodic relay (which still covers a lost enqueue)."""
    transaction.on_commit(_enqueue_relay_task, robust=True)


def relay_due_messages(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send up to `limit` due messages and return how many were sent.

    Call it outside any transaction: each message is claimed by its own conditional UPDATE
    (pending and due, or sending with an expired claim → sending, claimed for 2 minutes,
    one more attempt), so concurrent relays never send the same row; it is then sent with
    no transaction open, and its outcome recorded only if the claim is still this relay's.
    A failed attempt is retried after RETRY_DELAYS; the 10th failure marks it failed.
    """
    sent = 0
    for _ in range(limit):
        moment = now or timezone.now()
        message = _claim_next(now=moment)
        if message is None:
            break
        sent += _deliver(message, now=now)
    return sent


def sign_webhook_body(*, secret: str, body: bytes, timestamp: int) -> str:
    """The `Orchestre-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def email_message_id(*, key: str, from_email: str) -> str:
    """A Message-ID that depends only on the outbox key, so a resend is the same message."""
    domain = parseaddr(from_email)[1].rpartition("@")[2] or "orchestre.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}.outbox@{domain}>"


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "Outbox messages must be enqueued inside the transaction that makes the change "
            "they report (wrap the call in transaction.atomic())."
        )


def _record(*, kind: str, key: str, payload: dict) -> tuple[OutboxMessage, bool]:
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"An outbox key has at most {MAX_KEY_LENGTH} characters.")
    try:
        # A savepoint, so a duplicate key leaves the caller's transaction usable.
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind, key=key, payload=payload, next_attempt_at=timezone.now()
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key), False
    return message, True


def _endpoint_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:ENDPOINT_ID_LENGTH]


def _enqueue_relay_task() -> None:
    from orchestre.core.tasks import relay_outbox

    relay_outbox.enqueue()


def _due(now: datetime) -> Q:
    return Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxMessage.Status.SENDING, claimed_until__lt=now
    )


def _claim_next(*, now: datetime) -> OutboxMessage | None:
    while True:
        candidates = list(
            OutboxMessage.objects.filter(_due(now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:CANDIDATES_PER_QUERY]
        )
        if not candidates:
            return None
        for pk in candidates:
            # The WHERE is evaluated again on the locked row, so of two relays racing for
            # the same row only one UPDATE matches it.
            claimed = (
                OutboxMessage.objects.filter(_due(now), pk=pk).update(
                    status=OutboxMessage.Status.SENDING,
                    claimed_until=now + CLAIM_DURATION,
                    attempts=F("attempts") + 1,
                )
                == 1
            )
            if claimed:
                return OutboxMessage.objects.get(pk=pk)


def _deliver(message: OutboxMessage, *, now: datetime | None) -> int:
    try:
        if message.kind == OutboxMessage.Kind.EMAIL:
            _send_email(message)
        else:
            _send_webhook(message)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        _record_failure(message, error=error, now=now or timezone.now())
        return 0
    _record_outcome(
        message,
        status=OutboxMessage.Status.SENT,
        sent_at=now or timezone.now(),
        claimed_until=None,
        last_error="",
    )
    logger.info("Sent %s %s", message.kind, message.key)
    return 1


def _record_failure(message: OutboxMessage, *, error: Exception, now: datetime) -> None:
    description = f"{type(error).__name__}: {error}"[:2000]
    if isinstance(error, PermanentFailure) or message.attempts >= MAX_ATTEMPTS:
        _record_outcome(
            message,
            status=OutboxMessage.Status.FAILED,
            claimed_until=None,
            last_error=description,
        )
        logger.error(
            "Gave up %s %s after %d attempts: %s",
            message.kind,
            message.key,
            message.attempts,
            description,
        )
        return
    delay = RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS)) - 1]
    _record_outcome(
        message,
        status=OutboxMessage.Status.PENDING,
        next_attempt_at=now + delay,
        claimed_until=None,
        last_error=description,
    )
    logger.warning(
        "Attempt %d of %s %s failed, retry in %s: %s",
        message.attempts,
        message.kind,
        message.key,
        delay,
        description,
    )


def _record_outcome(message: OutboxMessage, **changes) -> None:
    # `attempts` fences the claim: if this relay outlived its claim and another relay took
    # the message over, the other relay's outcome is the one that counts.
    recorded = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, attempts=message.attempts
    ).update(**changes)
    if not recorded:
        logger.warning("Outcome of %s not recorded: its claim was taken over", message.key)


def _send_email(message: OutboxMessage) -> None:
    payload = message.payload
    email = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text_body"],
        from_email=payload["from"],
        to=[payload["to"]],
        headers={"Message-ID": email_message_id(key=message.key, from_email=payload["from"])},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT or EMAIL_TIMEOUT_SECONDS),
    )
    if payload.get("html_body"):
        email.attach_alternative(payload["html_body"], "text/html")
    email.send()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: it fails the attempt instead of being followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_webhook_opener = urllib.request.build_opener(_NoRedirects)


def _send_webhook(message: OutboxMessage) -> None:
    payload = message.payload
    url = payload["url"]
    secret = dict(settings.WEBHOOK_ENDPOINTS).get(url)
    if secret is None:
        raise PermanentFailure("the endpoint is no longer in ORCHESTRE_WEBHOOK_ENDPOINTS")
    if not url.startswith(("https://", "http://")):
        raise PermanentFailure("webhook endpoints must be http:// or https:// addresses")
    body = json.dumps(
        {
            "id": payload["event_id"],
            "type": payload["event_type"],
            "created_at": message.created_at.isoformat(),
            "data": payload["data"],
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Orchestre-Webhooks/1",
            "Orchestre-Event": payload["event_type"],
            "Orchestre-Delivery": message.key,
            "Orchestre-Signature": sign_webhook_body(
                secret=secret, body=body, timestamp=int(time.time())
            ),
        },
    )
    # urllib raises HTTPError for any status outside 2xx (redirects included, see above).
    try:
        with _webhook_opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS):
            pass
    except urllib.error.HTTPError as error:
        raise WebhookRejected(f"HTTP {error.code} from {url}") from None
