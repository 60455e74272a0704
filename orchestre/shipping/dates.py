"""Estimated delivery dates, in business days of the Paris warehouse.

A business day is Monday to Friday except French public holidays. An order placed on a
business day before the 14:00 cut-off (Paris time) leaves the warehouse that day; later,
or on a weekend or holiday, it leaves on the next business day. A method's `min_days` and
`max_days` count business days from the day it leaves."""

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

WAREHOUSE_TIMEZONE = ZoneInfo("Europe/Paris")
ORDER_CUTOFF = time(14, 0)


@functools.cache
def _french_public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _french_public_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (`start` itself when days is 0)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            days -= 1
    return day


def dispatch_date(now: datetime) -> date:
    """The day an order placed at `now` (an aware datetime) leaves the warehouse."""
    local = timezone.localtime(now, WAREHOUSE_TIMEZONE)
    day = local.date()
    if is_business_day(day) and local.time() < ORDER_CUTOFF:
        return day
    return add_business_days(day, 1)


def delivery_window(dispatched: date, *, min_days: int, max_days: int) -> tuple[date, date]:
    """The earliest and latest delivery dates of a parcel leaving on `dispatched`."""
    return add_business_days(dispatched, min_days), add_business_days(dispatched, max_days)
