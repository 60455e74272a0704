from datetime import date, datetime
from decimal import Decimal

import pytest

from orchestre.ops.online_retail import classification
from orchestre.ops.online_retail.attributes import ParsedAttributes, parse_attributes
from orchestre.ops.online_retail.classification import classify
from orchestre.ops.online_retail.conversion import GBP_TO_EUR, VAT_RATE, shop_price
from orchestre.ops.online_retail.countries import country_code
from orchestre.ops.online_retail.identities import fictitious_identity
from orchestre.ops.online_retail.naming import choose_name, readable_name
from orchestre.ops.online_retail.stock import opening_stock


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("WHITE HANGING HEART T-LIGHT HOLDER", "bougies-luminaires"),
        ("SET OF 3 CAKE TINS PANTRY DESIGN", "patisserie"),
        ("PACK OF 72 RETROSPOT CAKE CASES", "patisserie"),
        ("REGENCY CAKESTAND 3 TIER", "patisserie"),
        ("JUMBO BAG RED RETROSPOT", "sacs"),
        ("LUNCH BAG RED RETROSPOT", "lunch-pique-nique"),
        ("RETROSPOT HEART HOT WATER BOTTLE", "coussins-textiles"),
        ("ASSORTED COLOUR BIRD ORNAMENT", "objets-deco"),
        ("PAPER CHAIN KIT 50'S CHRISTMAS", "noel"),
        ("EASTER TIN BUCKET", "paques-printemps"),
        ("HAND WARMER UNION JACK", "accessoires"),
        ("ALARM CLOCK BAKELIKE RED", "deco-murale"),
        ("GIN + TONIC DIET METAL SIGN", "deco-murale"),
        ("SMALL RED RETROSPOT MUG IN BOX", "vaisselle"),
        ("JAM MAKING SET WITH JARS", "ustensiles-cuisine"),
        ("SWEETHEART CERAMIC TRINKET BOX", "rangement"),
        ("PARTY BUNTING", "fetes"),
        ("PACK OF 12 LONDON TISSUES", "bain-bien-etre"),
        ("VINTAGE SNAKES & LADDERS", "jouets-jeux"),
        ("MINI PAINT SET VINTAGE", "loisirs-creatifs"),
        ("GARDENERS KNEELING PAD KEEP CALM", "jardin"),
        ("CHILDRENS CUTLERY DOLLY GIRL", "univers-enfant"),
        ("AMBER CHUNKY BEAD BRACELET W STRAP", "bijoux"),
        ('LETTER "A" BLING KEY RING', "accessoires"),
        ("HEADS AND TAILS SPORTING FUN", "cadeaux-divers"),
        ("Article 10123G", "cadeaux-divers"),
    ],
)
def test_real_names_land_in_the_expected_leaf(name, category):
    assert classify(name) == category


def test_the_tree_has_two_levels_and_every_rule_targets_a_leaf():
    leaves = {leaf.slug for leaf in classification.LEAVES}
    departments = {department.slug for department in classification.DEPARTMENTS}

    assert len(leaves) == 23
    assert len(departments) == 7
    assert {leaf.parent for leaf in classification.LEAVES} == departments
    assert {slug for _, slug in classification.RULES} == leaves - {classification.FALLBACK}
    assert all(leaf.name_fr and leaf.name_en for leaf in classification.LEAVES)


@pytest.mark.parametrize(
    ("name", "attributes"),
    [
        ("SET OF 3 CAKE TINS PANTRY DESIGN", ParsedAttributes((), ("metal",), 3)),
        ("12 PENCILS SMALL TUBE RED RETROSPOT", ParsedAttributes(("red",), (), 12)),
        ("PACK OF 72 RETROSPOT CAKE CASES", ParsedAttributes((), (), 72)),
        ("SET/6 RED SPOTTY PAPER CUPS", ParsedAttributes(("red",), ("paper",), 6)),
        ("S/4 PINK FLOWER CANDLES IN BOWL", ParsedAttributes(("pink",), (), 4)),
        ("PAIR PADDED HANGERS PINK CHECK", ParsedAttributes(("pink",), (), 2)),
        ("SMALL ZINC/GLASS CANDLEHOLDER", ParsedAttributes((), ("metal", "glass"), None)),
        ("PINK/WHITE GLASS DEMI CHOKER", ParsedAttributes(("pink", "white"), ("glass",), None)),
        ("3 DRAWER ANTIQUE WHITE WOOD CABINET", ParsedAttributes(("white",), ("wood",), None)),
        ("BAG 125g SWIRLY MARBLES", ParsedAttributes((), (), None)),
        ("BISCUIT TIN 50'S CHRISTMAS", ParsedAttributes((), ("metal",), None)),
        (
            "ASSORTED COLOUR SILK GLASSES CASE",
            ParsedAttributes(("multicolour",), ("fabric",), None),
        ),
        ("IVORY KNITTED MUG COSY", ParsedAttributes(("ivory",), (), None)),
    ],
)
def test_attributes_are_read_from_the_name(name, attributes):
    assert parse_attributes(name) == attributes


@pytest.mark.parametrize(
    ("source", "readable"),
    [
        ("WHITE HANGING HEART T-LIGHT HOLDER", "White Hanging Heart T-Light Holder"),
        ("SET OF 3 CAKE TINS PANTRY DESIGN", "Set of 3 Cake Tins Pantry Design"),
        ("EASTER BUNNY WITH BASKET ON BACK", "Easter Bunny with Basket on Back"),
        ("POLYESTER FILLER PAD 40x40cm", "Polyester Filler Pad 40x40cm"),
        ("BAG 125g SWIRLY MARBLES", "Bag 125g Swirly Marbles"),
        ("LED TEA LIGHTS", "LED Tea Lights"),
        ("CHILDREN'S APRON DOLLY GIRL", "Children's Apron Dolly Girl"),
        ("3D SHEET OF CAT STICKERS", "3D Sheet of Cat Stickers"),
        ("ENGLISH ROSE NOTEBOOK A7 SIZE", "English Rose Notebook A7 Size"),
        ("FOLK ART GREETING CARD,pack/12", "Folk Art Greeting Card, Pack/12"),
        ("  DIAMANTE RING ASSORTED IN BOX.  ", "Diamante Ring Assorted in Box"),
        ("*USB Office Mirror Ball", "USB Office Mirror Ball"),
        ("Dr. Jam's Arouzer Stress Ball", "Dr. Jam's Arouzer Stress Ball"),
    ],
)
def test_readable_names(source, readable):
    assert readable_name(source) == readable


def test_the_name_is_the_most_frequent_description_and_notes_are_ignored():
    early, late = datetime(2011, 1, 1), datetime(2011, 6, 1)
    sale_descriptions = {
        "CREAM HEART CARD HOLDER": (3, early),
        "CREAM  HEART CARD HOLDER ": (1, early),  # the same name, spaced differently
        "HEART CARD HOLDER": (3, late),
        "": (9, late),
    }

    assert choose_name(sale_descriptions, {"damaged": (20, late)}, sku="1") == (
        "CREAM HEART CARD HOLDER"
    )
    assert choose_name({"RED SPOT MUG": (2, early), "RED SPOTTY MUG": (2, late)}, {}, sku="2") == (
        "RED SPOTTY MUG"
    )
    assert choose_name(
        {}, {"?": (3, late), "check": (1, late), "PINK BAG": (1, early)}, sku="3"
    ) == ("PINK BAG")
    assert choose_name({"": (1, late)}, {"thrown away": (1, late)}, sku="90037D") == (
        "Article 90037D"
    )


def test_prices_are_converted_at_the_written_rate_with_vat_and_rounded_half_up():
    assert str(GBP_TO_EUR) == "1.1522"
    assert str(VAT_RATE) == "0.2000"
    assert shop_price(Decimal("2.55")) == Decimal("3.53")  # 3.525732
    assert shop_price(Decimal("0.85")) == Decimal("1.18")  # 1.175244
    assert shop_price(Decimal("1.25")) == Decimal("1.73")  # 1.72830
    assert shop_price(Decimal("0.001")) == Decimal("0.00")


def test_opening_stock_follows_recent_sales():
    last_day = date(2011, 9, 30)

    assert opening_stock([(date(2011, 7, 1), 40)], last_day=last_day) == {"paris": 0, "lyon": 0}
    # Sold within the last 60 days, not the last 30: the minimum, 5; 30 % of 5 = 1.5 -> 2.
    assert opening_stock([(date(2011, 8, 15), 40)], last_day=last_day) == {"paris": 3, "lyon": 2}
    # 23 sold in the last 30 days (31 August is outside them); 30 % of 23 = 6.9 -> 7.
    assert opening_stock(
        [(date(2011, 9, 1), 10), (date(2011, 9, 30), 13), (date(2011, 8, 31), 99)],
        last_day=last_day,
    ) == {"paris": 16, "lyon": 7}
    assert opening_stock([(date(2011, 9, 29), 100)], last_day=last_day) == {"paris": 70, "lyon": 30}


def test_country_names_map_to_iso_codes():
    names = ["United Kingdom", "EIRE", "Channel Islands", "European Community", "Unspecified"]

    assert [country_code(name) for name in names] == ["GB", "IE", "JE", "EU", ""]
    assert country_code("Atlantis") == ""


def test_customer_identities_are_fictitious_and_the_same_on_every_run():
    first = fictitious_identity("17850")

    assert fictitious_identity("17850") == first
    assert fictitious_identity("13047") != first
    assert first.email == (
        f"{first.first_name.lower()}.{first.last_name.lower()}.17850@example.com".replace(" ", "")
    )
    assert fictitious_identity("12346").email.endswith(".12346@example.com")
    assert fictitious_identity("12346").email.isascii()
