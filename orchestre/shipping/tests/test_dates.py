from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from orchestre.shipping.dates import (
    WAREHOUSE_TIMEZONE,
    add_business_days,
    delivery_window,
    dispatch_date,
    is_business_day,
)
from orchestre.shipping.selectors import get_delivery_option, list_delivery_options


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=WAREHOUSE_TIMEZONE)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 11), True),  # Friday
        (date(2025, 7, 12), False),  # Saturday
        (date(2025, 7, 13), False),  # Sunday
        (date(2025, 7, 14), False),  # Bastille Day, a Monday
        (date(2025, 12, 25), False),  # Christmas
        (date(2025, 12, 26), True),  # a holiday only in Alsace-Moselle
        (date(2026, 1, 1), False),
        (date(2026, 5, 14), False),  # Ascension Day
    ],
)
def test_business_days_skip_weekends_and_french_public_holidays(day, expected):
    assert is_business_day(day) is expected


def test_adding_business_days_jumps_a_weekend_and_a_holiday():
    friday = date(2025, 7, 11)

    assert add_business_days(friday, 0) == friday
    assert add_business_days(friday, 1) == date(2025, 7, 15)
    assert add_business_days(friday, 3) == date(2025, 7, 17)


def test_adding_business_days_over_the_new_year():
    assert add_business_days(date(2025, 12, 31), 1) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("moment", "dispatched"),
    [
        (paris(2025, 7, 11, 13, 59), date(2025, 7, 11)),  # Friday before the cut-off
        (paris(2025, 7, 11, 14, 0), date(2025, 7, 15)),  # at the cut-off: after the holiday
        (paris(2025, 7, 12, 9, 0), date(2025, 7, 15)),  # Saturday
        (paris(2025, 7, 14, 9, 0), date(2025, 7, 15)),  # Bastille Day
        (paris(2025, 12, 24, 10, 0), date(2025, 12, 24)),
        (paris(2025, 12, 24, 16, 0), date(2025, 12, 26)),
        (paris(2025, 12, 31, 23, 30), date(2026, 1, 2)),
    ],
)
def test_the_cut_off_is_14_00_in_paris(moment, dispatched):
    assert dispatch_date(moment) == dispatched


def test_the_cut_off_is_read_in_paris_time_whatever_the_time_zone_given():
    # 11:59 UTC is 13:59 in Paris in summer (UTC+2) and 12:59 in winter (UTC+1).
    assert dispatch_date(datetime(2025, 7, 10, 11, 59, tzinfo=UTC)) == date(2025, 7, 10)
    assert dispatch_date(datetime(2025, 7, 10, 12, 0, tzinfo=UTC)) == date(2025, 7, 11)
    assert dispatch_date(datetime(2025, 12, 10, 12, 59, tzinfo=UTC)) == date(2025, 12, 10)
    assert dispatch_date(datetime(2025, 12, 10, 13, 0, tzinfo=UTC)) == date(2025, 12, 11)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        dispatch_date(datetime(2025, 7, 10, 9, 0))


def test_the_delivery_window_counts_business_days_from_dispatch():
    assert delivery_window(date(2025, 7, 11), min_days=2, max_days=3) == (
        date(2025, 7, 16),
        date(2025, 7, 17),
    )


def dates_by_code(**kwargs) -> dict[str, tuple[date, date]]:
    options = list_delivery_options(
        country="FR", weight_grams=800, order_value=Decimal("30.00"), **kwargs
    )
    return {option.code: (option.earliest, option.latest) for option in options}


@pytest.mark.django_db
def test_options_before_the_cut_off_on_the_friday_before_bastille_day(offer):
    assert dates_by_code(now=paris(2025, 7, 11, 10, 0)) == {
        "colissimo-home": (date(2025, 7, 16), date(2025, 7, 17)),
        "mondial-relay": (date(2025, 7, 17), date(2025, 7, 21)),
        "chronopost-express": (date(2025, 7, 15), date(2025, 7, 15)),
        "click-collect-paris": (date(2025, 7, 15), date(2025, 7, 15)),
    }


@pytest.mark.django_db
def test_options_after_the_cut_off_leave_after_the_weekend_and_the_holiday(offer):
    assert dates_by_code(now=paris(2025, 7, 11, 15, 0)) == {
        "colissimo-home": (date(2025, 7, 17), date(2025, 7, 18)),
        "mondial-relay": (date(2025, 7, 18), date(2025, 7, 22)),
        "chronopost-express": (date(2025, 7, 16), date(2025, 7, 16)),
        "click-collect-paris": (date(2025, 7, 16), date(2025, 7, 16)),
    }


@pytest.mark.django_db
def test_express_ordered_on_christmas_eve(offer):
    def express(moment):
        option = get_delivery_option(
            code="chronopost-express",
            country="FR",
            weight_grams=500,
            order_value=Decimal("20.00"),
            now=moment,
        )
        return option.earliest

    assert express(paris(2025, 12, 24, 11, 0)) == date(2025, 12, 26)
    assert express(paris(2025, 12, 24, 14, 30)) == date(2025, 12, 29)


@pytest.mark.django_db
def test_today_means_ordered_that_morning(offer):
    assert dates_by_code(today=date(2025, 7, 11)) == dates_by_code(now=paris(2025, 7, 11, 8, 0))
    assert dates_by_code(today=date(2025, 7, 13)) == dates_by_code(now=paris(2025, 7, 15, 8, 0))


@pytest.mark.django_db
def test_today_and_now_cannot_both_be_given(offer):
    with pytest.raises(TypeError):
        dates_by_code(today=date(2025, 7, 11), now=paris(2025, 7, 11, 8, 0))


@pytest.mark.django_db
def test_the_default_moment_is_now(offer, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: paris(2025, 7, 11, 15, 0))

    assert dates_by_code() == dates_by_code(now=paris(2025, 7, 11, 15, 0))
