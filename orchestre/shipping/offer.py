"""The shop's delivery offer as shipped: three zones, seven methods and their rates.

Installed by migration 0002 (and again by `install_default_offer()` wherever a database was
emptied, e.g. after a test that flushes tables). Prices include VAT; docs/delivery.md shows
the same offer as tables. Merchants change it in the admin afterwards."""

from decimal import Decimal

from orchestre.shipping.addresses import EU_COUNTRIES

EU_WITHOUT_FRANCE = sorted(EU_COUNTRIES - {"FR"})

ZONES = [
    {
        "code": "fr",
        "name_fr": "France métropolitaine et Monaco",
        "name_en": "Mainland France and Monaco",
        "countries": ["FR", "MC"],
        # Overseas France (97x, 98x) ships with customs formalities, like the rest of the world.
        "excluded_postcodes": {"FR": ["97", "98"]},
        "position": 1,
    },
    {
        "code": "eu",
        "name_fr": "Union européenne",
        "name_en": "European Union",
        "countries": EU_WITHOUT_FRANCE,
        # Outside the EU customs/VAT territory: Canary Islands, Ceuta, Melilla, Åland,
        # Heligoland and Büsingen.
        "excluded_postcodes": {
            "ES": ["35", "38", "51", "52"],
            "FI": ["22"],
            "DE": ["27498", "78266"],
        },
        "position": 2,
    },
    {
        "code": "world",
        "name_fr": "Reste du monde et outre-mer",
        "name_en": "Rest of the world and French overseas territories",
        "countries": [],
        "excluded_postcodes": {},
        "is_rest_of_world": True,
        "position": 3,
    },
]

# Weight bands of the carriers' price lists, in grams.
BANDS = (500, 1000, 2000, 5000, 10000, 30000)

MONDIAL_RELAY_EUROPE = ["BE", "LU", "NL", "ES", "PT", "DE", "AT", "IT"]

METHODS = [
    {
        "code": "colissimo-home",
        "kind": "home",
        "name_fr": "Colissimo à domicile",
        "name_en": "Colissimo home delivery",
        "carrier": "Colissimo",
        "min_days": 2,
        "max_days": 3,
        "position": 10,
        "zone": "fr",
        "prices": ("5.90", "7.50", "8.90", "13.50", "19.90", "29.90"),
        "free_above": "60.00",
    },
    {
        "code": "mondial-relay",
        "kind": "relay",
        "name_fr": "Mondial Relay en point relais",
        "name_en": "Mondial Relay pick-up point",
        "carrier": "Mondial Relay",
        "min_days": 3,
        "max_days": 5,
        "countries": ["FR"],
        "position": 20,
        "zone": "fr",
        "prices": ("3.90", "4.50", "5.90", "8.90", "12.90", "19.90"),
        "free_above": "60.00",
    },
    {
        "code": "chronopost-express",
        "kind": "express",
        "name_fr": "Chronopost express, livré le jour ouvré suivant",
        "name_en": "Chronopost express, next business day",
        "carrier": "Chronopost",
        "min_days": 1,
        "max_days": 1,
        "position": 30,
        "zone": "fr",
        "prices": ("14.90", "15.90", "17.90", "22.90", "29.90", "44.90"),
    },
    {
        "code": "click-collect-paris",
        "kind": "click_collect",
        "name_fr": "Retrait gratuit à notre entrepôt de Paris",
        "name_en": "Free collection from our Paris warehouse",
        "carrier": "",
        "min_days": 1,
        "max_days": 1,
        "position": 40,
        "zone": "fr",
        "any_weight_price": "0.00",
    },
    {
        "code": "colissimo-europe",
        "kind": "home",
        "name_fr": "Colissimo Europe à domicile",
        "name_en": "Colissimo Europe home delivery",
        "carrier": "Colissimo",
        "min_days": 4,
        "max_days": 7,
        "position": 10,
        "zone": "eu",
        "prices": ("12.90", "15.90", "18.90", "25.90", "39.90", "64.90"),
        "free_above": "150.00",
    },
    {
        "code": "mondial-relay-europe",
        "kind": "relay",
        "name_fr": "Mondial Relay Europe en point relais",
        "name_en": "Mondial Relay Europe pick-up point",
        "carrier": "Mondial Relay",
        "min_days": 4,
        "max_days": 8,
        "countries": MONDIAL_RELAY_EUROPE,
        "position": 20,
        "zone": "eu",
        "prices": ("6.90", "7.90", "9.90", "13.90", "19.90", "29.90"),
    },
    {
        "code": "colissimo-international",
        "kind": "home",
        "name_fr": "Colissimo International à domicile",
        "name_en": "Colissimo International home delivery",
        "carrier": "Colissimo",
        "min_days": 6,
        "max_days": 12,
        "position": 10,
        "zone": "world",
        "prices": ("24.90", "29.90", "37.90", "54.90", "84.90", "159.90"),
    },
]


def install_default_offer(apps=None) -> None:
    """Creates or updates the offer above; other zones, methods and rates are left alone.
    `apps` is the migration's app registry (the project's own by default)."""
    if apps is None:
        from django.apps import apps
    zone_model = apps.get_model("shipping", "DeliveryZone")
    method_model = apps.get_model("shipping", "DeliveryMethod")
    rate_model = apps.get_model("shipping", "DeliveryRate")
    zones = {}
    for zone in ZONES:
        fields = {key: value for key, value in zone.items() if key != "code"}
        zones[zone["code"]], _ = zone_model.objects.update_or_create(
            code=zone["code"], defaults=fields
        )
    rate_fields = {"zone", "prices", "free_above", "any_weight_price"}
    for method in METHODS:
        fields = {key: value for key, value in method.items() if key not in rate_fields}
        fields.pop("code")
        row, _ = method_model.objects.update_or_create(code=method["code"], defaults=fields)
        zone = zones[method["zone"]]
        free_above = Decimal(method["free_above"]) if "free_above" in method else None
        bands = (
            [(None, method["any_weight_price"])]
            if "any_weight_price" in method
            else zip(BANDS, method["prices"], strict=True)
        )
        for max_weight, price in bands:
            rate_model.objects.update_or_create(
                method=row,
                zone=zone,
                max_weight_grams=max_weight,
                min_order_value=Decimal("0.00"),
                defaults={"price": Decimal(price), "free_above": free_above},
            )
