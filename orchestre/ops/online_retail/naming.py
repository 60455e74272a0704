"""Product names: which recorded description names a product, and how it reads.

The source records names in shouting upper case ("WHITE HANGING HEART T-LIGHT HOLDER").
The shop shows a title-cased name ("White Hanging Heart T-Light Holder") and keeps the
recorded one in ``Product.source_name``.
"""

import re
from collections.abc import Mapping
from datetime import datetime

# Kept lower case inside a name (never as its first word).
SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "de", "du", "for", "from", "in", "la", "le", "of", "on",
     "or", "the", "to", "with"}
)  # fmt: skip
# Kept upper case: initialisms that read wrong title-cased.
INITIALISMS = frozenset({"ABC", "CD", "DIY", "DVD", "LED", "UK", "USA", "USB", "TV", "XL"})
TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
PAPER_SIZE = re.compile(r"[A-Z]\d{1,2}")  # A4, A6: letter and number stay as written
THREE_D = re.compile(r"\d+D")  # 3D
COMMA = re.compile(r"\s*,\s*")
FALLBACK_NAME = "Article {sku}"
Tally = tuple[int, datetime]  # (times recorded, latest time recorded)


def is_shouting(text: str) -> bool:
    """True when most letters are upper case, as in every product name of the source."""
    letters = [character for character in text if character.isalpha()]
    return bool(letters) and sum(character.isupper() for character in letters) * 2 > len(letters)


def looks_like_product_name(description: str) -> bool:
    """True for a recorded product name; False for stock-keeping notes such as
    'damaged', '?', 'check' or 'thrown away' that staff typed in the same column."""
    letters = sum(character.isalpha() for character in description)
    return letters >= 3 and "?" not in description and is_shouting(description)


def readable_name(source_name: str) -> str:
    """The display name of a recorded name: spaces collapsed, stray '*' and trailing
    '.'/',' removed, one space after commas, shouting upper case turned into title case.
    Small words ('of', 'and'...) stay lower case except first, units and sizes stay as
    measures ('12', '40x40cm', '125g'), initialisms stay upper case ('LED'), hyphenated
    and slashed words are cased part by part ('T-LIGHT' -> 'T-Light'). A name that is not
    in upper case was typed by hand and is kept as written."""
    name = " ".join(source_name.split()).strip(" *").rstrip(".,")
    name = COMMA.sub(", ", name)
    if not is_shouting(name):
        return name
    pieces = []
    position = 0
    for index, match in enumerate(TOKEN.finditer(name)):
        pieces.append(name[position : match.start()])
        pieces.append(_case_word(match.group(), first=index == 0))
        position = match.end()
    pieces.append(name[position:])
    return "".join(pieces)


def _case_word(word: str, *, first: bool) -> str:
    upper = word.upper()
    if any(character.isdigit() for character in word):
        if PAPER_SIZE.fullmatch(upper) or THREE_D.fullmatch(upper):
            return upper
        return word.lower()  # quantities and measures: 12, 40x40cm, 125g, 50's
    if upper in INITIALISMS or len(word) == 1:
        return upper
    if not first and word.lower() in SMALL_WORDS:
        return word.lower()
    return word.capitalize()


def choose_name(
    sale_descriptions: Mapping[str, Tally],
    adjustment_descriptions: Mapping[str, Tally],
    *,
    sku: str,
) -> str:
    """The recorded name of a product, from how often and how lately each description
    was recorded on its lines: the most frequent non-empty description of its sale and
    cancellation lines (a tie goes to the most recently recorded); failing that, the most
    frequent one on its stock adjustments that looks like a product name; failing that,
    'Article <SKU>'."""
    for candidates, keep in (
        (sale_descriptions, lambda text: bool(text)),
        (adjustment_descriptions, looks_like_product_name),
    ):
        tallies: dict[str, Tally] = {}
        for description, (count, latest) in candidates.items():
            text = " ".join(description.split())
            if keep(text):
                known_count, known_latest = tallies.get(text, (0, latest))
                tallies[text] = (known_count + count, max(known_latest, latest))
        if tallies:
            return max(tallies.items(), key=lambda item: (item[1], item[0]))[0]
    return FALLBACK_NAME.format(sku=sku)
