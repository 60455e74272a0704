"""The carrier interface (labels and tracking) and the sandbox carrier.

The sandbox stands in for the third party only, and behaves like one: a label gets a
tracking number, and the parcel's events appear later, as time passes since the label was
made (in transit, out for delivery, delivered), read by polling `track` or pushed to the
signed webhook. It keeps no state: the tracking number carries the label's time, so any
worker can answer for any parcel. Its pace is set by SANDBOX_CARRIER_STEP_SECONDS."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orchestre.core.outbox import sign_webhook_body

TRACKING_PREFIX = "SBX"
# A webhook call older than this is refused, so a captured call cannot be replayed later.
WEBHOOK_TOLERANCE_SECONDS = 300

# (event code, steps after the label, description)
_JOURNEY = (
    ("label_created", 0, _("Label created, parcel awaiting collection")),
    ("in_transit", 1, _("Parcel collected and in transit")),
    ("out_for_delivery", 2, _("Parcel out for delivery")),
    ("delivered", 3, _("Parcel delivered")),
)


@dataclass(frozen=True)
class Label:
    tracking_number: str
    tracking_url: str


@dataclass(frozen=True)
class CarrierEvent:
    external_id: str
    code: str
    occurred_at: datetime
    description: str


def _step() -> timedelta:
    return timedelta(seconds=settings.SANDBOX_CARRIER_STEP_SECONDS)


def tracking_url(tracking_number: str) -> str:
    return settings.SANDBOX_CARRIER_TRACKING_URL.format(number=tracking_number)


def create_label(*, reference: str, at: datetime) -> Label:
    """The label of parcel `reference` handed over at `at`. Idempotent: the same reference
    and time always give the same tracking number, so a retried call never makes two."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{reference}".encode()).hexdigest()
    number = f"{TRACKING_PREFIX}{int(at.timestamp()):010d}{int(digest[:8], 16) % 10**6:06d}"
    return Label(tracking_number=number, tracking_url=tracking_url(number))


def label_time(tracking_number: str) -> datetime | None:
    """When the sandbox made the label of `tracking_number`; None for a number it never
    issued."""
    digits = tracking_number.removeprefix(TRACKING_PREFIX)
    if not tracking_number.startswith(TRACKING_PREFIX) or len(digits) != 16 or not digits.isdigit():
        return None
    return datetime.fromtimestamp(int(digits[:10]), tz=UTC)


def track(tracking_number: str, *, now: datetime | None = None) -> list[CarrierEvent]:
    """The events of a parcel so far, oldest first (empty for an unknown number)."""
    labelled = label_time(tracking_number)
    if labelled is None:
        return []
    now = now or timezone.now()
    events = []
    for code, steps, description in _JOURNEY:
        occurred_at = labelled + steps * _step()
        if occurred_at > now:
            break
        events.append(
            CarrierEvent(
                external_id=f"{tracking_number}:{code}",
                code=code,
                occurred_at=occurred_at,
                description=str(description),
            )
        )
    return events


def webhook_secret() -> str:
    return (
        settings.SANDBOX_CARRIER_WEBHOOK_SECRET
        or hashlib.sha256(f"carrier-webhook:{settings.SECRET_KEY}".encode()).hexdigest()
    )


def webhook_body(tracking_number: str, events: list[CarrierEvent]) -> bytes:
    """The JSON body the carrier posts for `events` of one parcel."""
    return json.dumps(
        {
            "tracking_number": tracking_number,
            "events": [
                {
                    "id": event.external_id,
                    "code": event.code,
                    "occurred_at": event.occurred_at.isoformat(),
                    "description": event.description,
                }
                for event in events
            ],
        }
    ).encode()


def sign(body: bytes, *, timestamp: int | None = None) -> str:
    """The signature header value of a webhook body: `t=<unix time>,v1=<hex HMAC>`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return sign_webhook_body(secret=webhook_secret(), body=body, timestamp=timestamp)


def verify(body: bytes, header: str, *, now: float | None = None) -> bool:
    """Whether `header` signs `body` with the carrier's secret, recently enough."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > WEBHOOK_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(body, timestamp=timestamp), header)
