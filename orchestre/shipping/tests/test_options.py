from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.core.errors import InvalidInput
from orchestre.shipping.models import DeliveryMethod, DeliveryRate, DeliveryZone
from orchestre.shipping.offer import install_default_offer
from orchestre.shipping.selectors import DeliveryOption, get_delivery_option, list_delivery_options
from orchestre.shipping.tests.factories import (
    DeliveryMethodFactory,
    DeliveryRateFactory,
    DeliveryZoneFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 3, 3)


def options(country="FR", weight_grams=1000, order_value="30.00", **kwargs):
    return list_delivery_options(
        country=country,
        weight_grams=weight_grams,
        order_value=Decimal(order_value),
        today=MONDAY,
        **kwargs,
    )


def prices(**kwargs) -> dict[str, Decimal]:
    return {option.code: option.price for option in options(**kwargs)}


@pytest.fixture
def empty_offer(db):
    DeliveryZone.objects.all().delete()
    DeliveryMethod.objects.all().delete()


def test_mainland_france_gets_the_four_methods_in_position_order(offer):
    with translation.override("fr"):
        result = options(postcode="75002")

    assert result == [
        DeliveryOption(
            code="colissimo-home",
            kind="home",
            name="Colissimo à domicile",
            carrier="Colissimo",
            price=Decimal("7.50"),
            is_free=False,
            earliest=date(2025, 3, 5),
            latest=date(2025, 3, 6),
        ),
        DeliveryOption(
            code="mondial-relay",
            kind="relay",
            name="Mondial Relay en point relais",
            carrier="Mondial Relay",
            price=Decimal("4.50"),
            is_free=False,
            earliest=date(2025, 3, 6),
            latest=date(2025, 3, 10),
        ),
        DeliveryOption(
            code="chronopost-express",
            kind="express",
            name="Chronopost express, livré le jour ouvré suivant",
            carrier="Chronopost",
            price=Decimal("15.90"),
            is_free=False,
            earliest=date(2025, 3, 4),
            latest=date(2025, 3, 4),
        ),
        DeliveryOption(
            code="click-collect-paris",
            kind="click_collect",
            name="Retrait gratuit à notre entrepôt de Paris",
            carrier="",
            price=Decimal("0.00"),
            is_free=True,
            earliest=date(2025, 3, 4),
            latest=date(2025, 3, 4),
        ),
    ]


def test_names_follow_the_active_language(offer):
    with translation.override("en"):
        names = [option.name for option in options()]

    assert names == [
        "Colissimo home delivery",
        "Mondial Relay pick-up point",
        "Chronopost express, next business day",
        "Free collection from our Paris warehouse",
    ]


@pytest.mark.parametrize(
    ("weight_grams", "home", "relay", "express"),
    [
        (0, "5.90", "3.90", "14.90"),
        (500, "5.90", "3.90", "14.90"),
        (501, "7.50", "4.50", "15.90"),
        (1000, "7.50", "4.50", "15.90"),
        (1001, "8.90", "5.90", "17.90"),
        (2000, "8.90", "5.90", "17.90"),
        (4999, "13.50", "8.90", "22.90"),
        (10000, "19.90", "12.90", "29.90"),
        (10001, "29.90", "19.90", "44.90"),
        (30000, "29.90", "19.90", "44.90"),
    ],
)
def test_prices_follow_the_weight_bands(offer, weight_grams, home, relay, express):
    assert prices(weight_grams=weight_grams) == {
        "colissimo-home": Decimal(home),
        "mondial-relay": Decimal(relay),
        "chronopost-express": Decimal(express),
        "click-collect-paris": Decimal("0.00"),
    }


def test_a_parcel_above_every_band_can_only_be_collected(offer):
    assert prices(weight_grams=30001) == {"click-collect-paris": Decimal("0.00")}


def test_home_and_relay_delivery_are_free_from_60_euros_in_france(offer):
    below = {option.code: (option.price, option.is_free) for option in options(order_value="59.99")}
    at = {option.code: (option.price, option.is_free) for option in options(order_value="60.00")}

    assert below == {
        "colissimo-home": (Decimal("7.50"), False),
        "mondial-relay": (Decimal("4.50"), False),
        "chronopost-express": (Decimal("15.90"), False),
        "click-collect-paris": (Decimal("0.00"), True),
    }
    assert at == {
        "colissimo-home": (Decimal("0.00"), True),
        "mondial-relay": (Decimal("0.00"), True),
        "chronopost-express": (Decimal("15.90"), False),
        "click-collect-paris": (Decimal("0.00"), True),
    }


def test_home_delivery_in_the_eu_is_free_from_150_euros(offer):
    assert prices(country="DE", order_value="149.99")["colissimo-europe"] == Decimal("15.90")
    assert prices(country="DE", order_value="150.00")["colissimo-europe"] == Decimal("0.00")


@pytest.mark.parametrize(
    ("country", "postcode", "codes"),
    [
        (
            "FR",
            "75002",
            ["colissimo-home", "mondial-relay", "chronopost-express", "click-collect-paris"],
        ),
        (
            " fr ",
            "20000",
            ["colissimo-home", "mondial-relay", "chronopost-express", "click-collect-paris"],
        ),
        (
            "FR",
            "",
            ["colissimo-home", "mondial-relay", "chronopost-express", "click-collect-paris"],
        ),
        ("MC", "98000", ["colissimo-home", "chronopost-express", "click-collect-paris"]),
        ("FR", "97100", ["colissimo-international"]),  # Guadeloupe
        ("FR", "97400", ["colissimo-international"]),  # La Réunion
        ("FR", "98800", ["colissimo-international"]),  # New Caledonia
        ("DE", "10115", ["colissimo-europe", "mondial-relay-europe"]),
        ("DE", "27498", ["colissimo-international"]),  # Heligoland
        ("BE", "1000", ["colissimo-europe", "mondial-relay-europe"]),
        ("LU", "L-1648", ["colissimo-europe", "mondial-relay-europe"]),
        ("ES", "28013", ["colissimo-europe", "mondial-relay-europe"]),
        ("ES", "35001", ["colissimo-international"]),  # Canary Islands
        ("BG", "1000", ["colissimo-europe"]),
        ("FI", "00100", ["colissimo-europe"]),
        ("FI", "22100", ["colissimo-international"]),  # Åland
        ("CH", "8001", ["colissimo-international"]),
        ("GB", "SW1A 1AA", ["colissimo-international"]),
        ("US", "10001", ["colissimo-international"]),
        ("HK", "", ["colissimo-international"]),
        ("ZZ", "", []),
        ("", "", []),
    ],
)
def test_zones_decide_the_methods(offer, country, postcode, codes):
    assert [option.code for option in options(country=country, postcode=postcode)] == codes


def test_an_inactive_method_is_not_offered(offer):
    DeliveryMethod.objects.filter(code="mondial-relay").update(is_active=False)

    assert list(prices()) == ["colissimo-home", "chronopost-express", "click-collect-paris"]


def test_without_a_rest_of_world_zone_other_countries_get_nothing(offer):
    DeliveryZone.objects.filter(is_rest_of_world=True).delete()

    assert options(country="US") == []
    assert options(country="FR", postcode="97100") == []


def test_methods_of_the_same_position_are_ordered_by_price(empty_offer):
    zone = DeliveryZoneFactory(countries=["FR"])
    for code, price in [("dear", "9.00"), ("cheap", "3.00"), ("first", "20.00")]:
        DeliveryRateFactory(
            zone=zone,
            method=DeliveryMethodFactory(code=code, position=0 if code == "first" else 5),
            price=Decimal(price),
        )

    assert list(prices()) == ["first", "cheap", "dear"]


def test_the_highest_order_value_tier_reached_applies_if_it_holds_the_parcel(empty_offer):
    zone = DeliveryZoneFactory(countries=["FR"])
    method = DeliveryMethodFactory(code="tiered")
    for max_weight, min_value, price in [
        (1000, "0.00", "6.00"),
        (None, "0.00", "10.00"),
        (1000, "50.00", "3.00"),
    ]:
        DeliveryRateFactory(
            method=method,
            zone=zone,
            max_weight_grams=max_weight,
            min_order_value=Decimal(min_value),
            price=Decimal(price),
        )

    assert prices(weight_grams=500, order_value="49.99") == {"tiered": Decimal("6.00")}
    assert prices(weight_grams=500, order_value="50.00") == {"tiered": Decimal("3.00")}
    assert prices(weight_grams=2000, order_value="50.00") == {"tiered": Decimal("10.00")}
    assert prices(weight_grams=2000, order_value="10.00") == {"tiered": Decimal("10.00")}


def test_a_method_with_only_higher_value_tiers_is_not_offered_below_them(empty_offer):
    DeliveryRateFactory(zone=DeliveryZoneFactory(countries=["FR"]), min_order_value=Decimal("25"))

    assert options(order_value="24.99") == []
    assert len(options(order_value="25.00")) == 1


def test_the_first_zone_by_position_claims_the_address(empty_offer):
    DeliveryRateFactory(
        zone=DeliveryZoneFactory(countries=["FR"], position=2), method__code="second"
    )
    DeliveryRateFactory(
        zone=DeliveryZoneFactory(countries=["FR"], position=1), method__code="first"
    )

    assert list(prices()) == ["first"]


def test_listing_options_takes_two_queries(offer, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert len(options()) == 4


def test_a_negative_weight_is_a_programming_error(offer):
    with pytest.raises(ValueError):
        options(weight_grams=-1)


def test_get_delivery_option_returns_the_listed_option(offer):
    option = get_delivery_option(
        code="mondial-relay",
        country="FR",
        postcode="69001",
        weight_grams=1000,
        order_value=Decimal("30.00"),
        today=MONDAY,
    )

    assert option == options()[1]


@pytest.mark.parametrize(
    ("code", "country", "message"),
    [
        ("", "FR", "Choose a delivery method."),
        (
            "teleportation",
            "FR",
            "This delivery method is not available for this address and parcel.",
        ),
        (
            "chronopost-express",
            "DE",
            "This delivery method is not available for this address and parcel.",
        ),
        (
            "colissimo-home",
            "ZZ",
            "This delivery method is not available for this address and parcel.",
        ),
    ],
)
def test_get_delivery_option_refuses_a_method_not_offered(offer, code, country, message):
    with pytest.raises(InvalidInput) as raised:
        get_delivery_option(
            code=code, country=country, weight_grams=1000, order_value=Decimal("30.00")
        )

    assert raised.value.code == "invalid_delivery_method"
    assert raised.value.message == message
    assert raised.value.fields == {"delivery_method": [message]}


def test_the_installed_offer_is_complete_and_reinstalling_changes_nothing(offer):
    def snapshot():
        return sorted(
            DeliveryRate.objects.values_list(
                "method__code", "zone__code", "max_weight_grams", "price", "free_above"
            ),
            key=str,
        )

    before = snapshot()
    install_default_offer()

    assert snapshot() == before
    assert list(DeliveryZone.objects.values_list("code", flat=True)) == ["fr", "eu", "world"]
    assert DeliveryMethod.objects.count() == 7
    assert len(before) == 6 * 6 + 1


def test_a_rate_band_cannot_be_defined_twice(empty_offer):
    rate = DeliveryRateFactory(max_weight_grams=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryRate.objects.create(
            method=rate.method, zone=rate.zone, max_weight_grams=None, price=Decimal("1.00")
        )


def test_a_method_cannot_arrive_before_its_earliest_day(empty_offer):
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryMethodFactory(min_days=3, max_days=2)


def test_only_one_zone_takes_the_rest_of_the_world(empty_offer):
    DeliveryZoneFactory(countries=[], is_rest_of_world=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryZoneFactory(countries=[], is_rest_of_world=True)


def test_zones_and_methods_only_name_known_countries(empty_offer):
    zone = DeliveryZoneFactory.build(countries=["FR", "XX"], excluded_postcodes={"YY": ["1"]})
    method = DeliveryMethodFactory.build(countries=["QQ"])

    with pytest.raises(ValidationError) as zone_error:
        zone.clean()
    with pytest.raises(ValidationError) as method_error:
        method.clean()

    assert zone_error.value.message_dict == {
        "countries": ["Unknown country codes: XX."],
        "excluded_postcodes": ["Unknown country codes: YY."],
    }
    assert method_error.value.message_dict == {"countries": ["Unknown country codes: QQ."]}


def test_products_weigh_500_grams_unless_told(db):
    assert ProductFactory().weight_grams == 500
