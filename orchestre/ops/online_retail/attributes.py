"""Attributes read from product names: colour, material and pack size.

Only what the recorded name states is set: a name may give several colours ("PINK/WHITE"),
several materials ("ZINC/GLASS") or none. Words are matched whole, on the upper-cased
name with punctuation read as spaces, exactly as written in the tables below (no plural
forms unless listed: "GLASSES" is not glass).
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class AttributeDefinition:
    code: str
    name_fr: str
    name_en: str
    position: int


@dataclass(frozen=True)
class ValueDefinition:
    code: str
    name_fr: str
    name_en: str
    keywords: tuple[str, ...] = ()


COLOUR = AttributeDefinition("colour", "Couleur", "Colour", 0)
MATERIAL = AttributeDefinition("material", "Matière", "Material", 1)
PACK_SIZE = AttributeDefinition("pack-size", "Lot", "Pack size", 2)
ATTRIBUTES = (COLOUR, MATERIAL, PACK_SIZE)

COLOURS = (
    ValueDefinition("red", "Rouge", "Red", ("RED",)),
    ValueDefinition("pink", "Rose", "Pink", ("PINK", "FUSCHIA", "FUCHSIA")),
    ValueDefinition("blue", "Bleu", "Blue", ("BLUE", "NAVY")),
    ValueDefinition("white", "Blanc", "White", ("WHITE",)),
    ValueDefinition("ivory", "Ivoire", "Ivory", ("IVORY",)),
    ValueDefinition("cream", "Crème", "Cream", ("CREAM",)),
    ValueDefinition("black", "Noir", "Black", ("BLACK",)),
    ValueDefinition("green", "Vert", "Green", ("GREEN", "MINT")),
    ValueDefinition("gold", "Doré", "Gold", ("GOLD",)),
    ValueDefinition("silver", "Argenté", "Silver", ("SILVER",)),
    ValueDefinition("purple", "Violet", "Purple", ("PURPLE", "LILAC", "LAVENDER BLUE")),
    ValueDefinition("yellow", "Jaune", "Yellow", ("YELLOW",)),
    ValueDefinition("orange", "Orange", "Orange", ("ORANGE",)),
    ValueDefinition("brown", "Marron", "Brown", ("BROWN",)),
    ValueDefinition("grey", "Gris", "Grey", ("GREY", "GRAY")),
    ValueDefinition("turquoise", "Turquoise", "Turquoise", ("TURQUOISE", "TURQ")),
    ValueDefinition(
        "multicolour",
        "Multicolore",
        "Multicolour",
        (
            "MULTICOLOUR",
            "MULTI COLOUR",
            "ASSORTED COLOUR",
            "ASSORTED COLOURS",
            "ASSTD COLOUR",
            "ASS COL",
        ),
    ),
)
MATERIALS = (
    ValueDefinition("wood", "Bois", "Wood", ("WOOD", "WOODEN")),
    ValueDefinition("glass", "Verre", "Glass", ("GLASS",)),
    ValueDefinition(
        "metal",
        "Métal",
        "Metal",
        ("METAL", "ZINC", "TIN", "TINS", "CAST IRON", "STEEL", "ALUMINIUM", "COPPER", "BRASS"),
    ),
    ValueDefinition(
        "ceramic", "Céramique", "Ceramic", ("CERAMIC", "PORCELAIN", "BONE CHINA", "STONEWARE")
    ),
    ValueDefinition("paper", "Papier", "Paper", ("PAPER", "CARDBOARD")),
    ValueDefinition("felt", "Feutrine", "Felt", ("FELT", "FELTCRAFT")),
    ValueDefinition("enamel", "Émail", "Enamel", ("ENAMEL",)),
    ValueDefinition("lace", "Dentelle", "Lace", ("LACE",)),
    ValueDefinition(
        "fabric", "Tissu", "Fabric", ("COTTON", "LINEN", "JUTE", "CANVAS", "HESSIAN", "SILK")
    ),
    ValueDefinition("wicker", "Osier", "Wicker", ("WICKER", "RATTAN", "WILLOW", "RAFFIA")),
    ValueDefinition("plastic", "Plastique", "Plastic", ("PLASTIC", "ACRYLIC", "MELAMINE")),
)


def _keyword_patterns(values: tuple[ValueDefinition, ...]) -> tuple[tuple[re.Pattern, str], ...]:
    return tuple(
        (re.compile(r"\b(?:" + "|".join(map(re.escape, value.keywords)) + r")\b"), value.code)
        for value in values
    )


_COLOUR_PATTERNS = _keyword_patterns(COLOURS)
_MATERIAL_PATTERNS = _keyword_patterns(MATERIALS)


# "SET OF 3", "SET/6", "SET 2", "PACK OF 12", "PACK 20", "BOX OF 24", "S/4", "18PC",
# "50 PIECES", "PAIR"; the number must stand alone ("BAG 125g" is a weight and
# "TIN 50'S" a decade, not packs).
_PACK_PHRASE = re.compile(
    r"\b(?:SET|PACK|PACKET|BOX|BAG|TUBE|TIN|JAR|BUNDLE|PK)\s*(?:OF\s+|/\s*)?(\d+)(?![\w'])"
    r"|\bS\s*/\s*(\d+)(?![\w'])"
    r"|\b(\d+)\s*(?:PIECES|PCS|PC)\b"
)
_PAIR = re.compile(r"\bPAIR\b")
# "12 PENCILS ...", "60 CAKE CASES ...": a leading count, when the name names a plural
# ("3 DRAWER CABINET" and "5 HOOK HANGER" are one article, not a pack).
_LEADING_COUNT = re.compile(r"^(\d+) [A-Z]")
_PLURAL_WORD = re.compile(r"\b(?!CHRISTMAS\b)[A-Z]{2,}[^S\W]S\b")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
MAX_PACK_SIZE = 1000


@dataclass(frozen=True)
class ParsedAttributes:
    colours: tuple[str, ...]  # value codes, in the order the name gives them
    materials: tuple[str, ...]
    pack_size: int | None


def parse_attributes(source_name: str) -> ParsedAttributes:
    """The colours, materials and pack size a recorded name states. A pack size is only
    set for 2 or more units; an article sold alone has none."""
    text = _NOT_WORD.sub(" ", source_name.upper()).strip()
    return ParsedAttributes(
        colours=_find_values(text, _COLOUR_PATTERNS),
        materials=_find_values(text, _MATERIAL_PATTERNS),
        pack_size=_pack_size(source_name.upper()),
    )


def _find_values(text: str, patterns: tuple[tuple[re.Pattern, str], ...]) -> tuple[str, ...]:
    found = []
    for pattern, code in patterns:
        match = pattern.search(text)
        if match:
            found.append((match.start(), code))
    return tuple(code for _, code in sorted(found))


def _pack_size(name: str) -> int | None:
    count = None
    match = _PACK_PHRASE.search(name)
    if match:
        count = int(next(group for group in match.groups() if group))
    elif _PAIR.search(name):
        count = 2
    else:
        leading = _LEADING_COUNT.match(name)
        if leading and _PLURAL_WORD.search(name):
            count = int(leading.group(1))
    if count is None or not 2 <= count <= MAX_PACK_SIZE:
        return None
    return count
