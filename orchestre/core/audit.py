"""The audit log: every change a staff member makes, written by the service that makes it.

The channel (console or staff API) is known to the interface, not to the service, so the
interface sets it for the request (`channel`) and `record_change` reads it."""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from orchestre.core.models import AuditEntry

_channel: contextvars.ContextVar[str] = contextvars.ContextVar(
    "audit_channel", default=AuditEntry.Channel.SYSTEM
)


@contextmanager
def channel(name: str) -> Iterator[None]:
    """Record the changes made inside the block as made through `name` (console or api)."""
    token = _channel.set(name)
    try:
        yield
    finally:
        _channel.reset(token)


def set_channel(name: str) -> None:
    """Record the rest of the current request's changes as made through `name`; the
    middleware below resets it when the request ends."""
    _channel.set(name)


class AuditChannelMiddleware:
    """Scopes the channel to one request: threads serve many requests in turn."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _channel.set(AuditEntry.Channel.SYSTEM)
        try:
            return self.get_response(request)
        finally:
            _channel.reset(token)


def record_change(
    *, actor, action: str, target: models.Model, changes: dict | None = None, note: str = ""
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it describes,
    so the entry exists if and only if the change does."""
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "system")[:150],
        channel=_channel.get(),
        action=action[:60],
        target_type=target._meta.label_lower[:60],
        target_id=str(target.pk)[:64],
        target_label=str(target)[:200],
        changes=changes or {},
        note=note[:300],
    )


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, made JSON-safe (foreign keys by id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        values[name] = _json_safe(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """The fields whose value changed, as {field: [before, after]}."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value
