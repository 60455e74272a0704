"""The category tree of the imported catalogue and the written rules that fill it.

The source has no categories, only names. Each product goes to the leaf of the first rule
whose keywords occur in its recorded name, so the order of RULES matters: specific
phrases ("EGG CUP", "CAKE CASES") come before the broad words they contain ("EGG",
"CAKE"), and seasonal and jewellery words come before the object words ("CHRISTMAS
CANDLE" is Christmas, "CHANDELIER EARRINGS" are jewellery). A name no rule matches goes
to the fallback leaf. docs/data-import.md shows this table and the resulting
distribution on the full file.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryDefinition:
    slug: str
    name_fr: str
    name_en: str
    parent: str | None = None  # the department's slug; None for a department


DEPARTMENTS = (
    CategoryDefinition("maison-deco", "Maison & déco", "Home & decor"),
    CategoryDefinition("cuisine-table", "Cuisine & table", "Kitchen & dining"),
    CategoryDefinition("papeterie-fetes", "Papeterie & fêtes", "Stationery & parties"),
    CategoryDefinition("mode-accessoires", "Mode & accessoires", "Fashion & accessories"),
    CategoryDefinition("enfants-loisirs", "Enfants & loisirs", "Kids & hobbies"),
    CategoryDefinition("jardin-saisons", "Jardin & saisons", "Garden & seasons"),
    CategoryDefinition("idees-cadeaux", "Idées cadeaux", "Gift ideas"),
)
LEAVES = (
    CategoryDefinition("bougies-luminaires", "Bougies & luminaires", "Candles & lights",
                       "maison-deco"),
    CategoryDefinition("deco-murale", "Déco murale & cadres", "Wall decor & frames",
                       "maison-deco"),
    CategoryDefinition("coussins-textiles", "Coussins & textiles", "Cushions & textiles",
                       "maison-deco"),
    CategoryDefinition("objets-deco", "Objets & suspensions", "Ornaments & hanging decor",
                       "maison-deco"),
    CategoryDefinition("rangement", "Rangement & petit mobilier", "Storage & furniture",
                       "maison-deco"),
    CategoryDefinition("bain-bien-etre", "Bain & bien-être", "Bath & wellbeing",
                       "maison-deco"),
    CategoryDefinition("vaisselle", "Vaisselle", "Tableware", "cuisine-table"),
    CategoryDefinition("patisserie", "Pâtisserie", "Baking", "cuisine-table"),
    CategoryDefinition("ustensiles-cuisine", "Ustensiles & boîtes de cuisine",
                       "Kitchen tools & storage", "cuisine-table"),
    CategoryDefinition("lunch-pique-nique", "Lunch & pique-nique", "Lunch & picnic",
                       "cuisine-table"),
    CategoryDefinition("cartes-emballages", "Cartes & emballages cadeau", "Cards & gift wrap",
                       "papeterie-fetes"),
    CategoryDefinition("papeterie", "Papeterie & bureau", "Stationery & desk",
                       "papeterie-fetes"),
    CategoryDefinition("fetes", "Fêtes & anniversaires", "Parties & birthdays",
                       "papeterie-fetes"),
    CategoryDefinition("bijoux", "Bijoux", "Jewellery", "mode-accessoires"),
    CategoryDefinition("sacs", "Sacs & pochettes", "Bags & purses", "mode-accessoires"),
    CategoryDefinition("accessoires", "Accessoires", "Accessories", "mode-accessoires"),
    CategoryDefinition("jouets-jeux", "Jouets & jeux", "Toys & games", "enfants-loisirs"),
    CategoryDefinition("univers-enfant", "Univers enfant", "Children's corner",
                       "enfants-loisirs"),
    CategoryDefinition("loisirs-creatifs", "Loisirs créatifs", "Crafts & sewing",
                       "enfants-loisirs"),
    CategoryDefinition("noel", "Noël", "Christmas", "jardin-saisons"),
    CategoryDefinition("paques-printemps", "Pâques & printemps", "Easter & spring",
                       "jardin-saisons"),
    CategoryDefinition("jardin", "Jardin & extérieur", "Garden & outdoors", "jardin-saisons"),
    CategoryDefinition("cadeaux-divers", "Cadeaux divers", "Gifts & more", "idees-cadeaux"),
)  # fmt: skip
FALLBACK = "cadeaux-divers"

# (keywords, leaf slug), first match wins. A keyword matches whole words of the
# recorded name, upper case, punctuation read as a space ("T-LIGHT" is "T LIGHT"),
# with an optional plural S or ES ("CANDLE" matches "CANDLES").
RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("CHRISTMAS", "XMAS", "NOEL", "YULETIDE", "ADVENT", "SANTA", "REINDEER", "SNOWFLAKE",
      "SNOWMAN", "SNOWMEN", "BAUBLE", "NATIVITY", "STOCKING", "SLEIGH", "ELF", "HOLLY",
      "TINSEL", "ICICLE", "TREE TOP ANGEL"), "noel"),
    (("EASTER", "CHICK", "BUNNY", "BUNNIES", "EGG HUNT"), "paques-printemps"),
    (("KEY RING", "KEYRING", "KEY CHAIN", "KEY FOB", "COMPACT MIRROR", "POCKET MIRROR",
      "PHONE CHARM", "GLASSES CASE", "UMBRELLA", "HAND WARMER"), "accessoires"),
    (("NAPKIN RING", "NAPKIN CHARM"), "vaisselle"),
    (("NECKLACE", "NECKLAC", "NECKL", "BRACELET", "BRACLET", "EARRING", "BROOCH", "PENDANT",
      "BANGLE", "ANKLET", "CHOKER", "LARIAT", "TIARA", "RING", "HAIR CLIP", "HAIR COMB",
      "HAIR BAND", "HAIRCLIP", "HAIRSLIDE", "HAIR SLIDE", "HAIR GRIP", "HAIR TIE",
      "HAIR BOBBLE", "BEAD CHARM"), "bijoux"),
    (("PARTY", "BUNTING", "BALLOON", "CONFETTI", "CRACKER", "BANNER", "INVITES",
      "COCKTAIL", "NAPKIN", "PAPER CUP", "PAPER PLATE", "PAPER CHAIN",
      "HONEYCOMB", "BIRTHDAY CANDLE", "PINATA", "FANCY DRESS", "DISCO", "MIRROR BALL",
      "POPCORN"),
     "fetes"),
    (("T LIGHT", "TEALIGHT", "CANDLE", "CANDLEHOLDER", "CANDLESTICK", "CANDLESTAND",
      "CANDLEPOT", "CANDELABRA", "LANTERN", "LAMP", "LAMPSHADE", "LIGHTS", "NIGHT LIGHT",
      "TABLE LIGHT", "BEDSIDE LIGHT", "LIGHT CHAIN", "LED", "TORCH", "VOTIVE", "CHANDELIER",
      "WICK", "NIGHTLIGHT", "SHADE", "INCENSE", "OIL BURNER", "FRAGRANCE", "DIFFUSER", "MATCHES"),
     "bougies-luminaires"),
    (("SIGN", "DOORSIGN", "DOOR HANGER", "PLAQUE", "MIRROR", "FRAME", "PHOTOFRAME",
      "PHOTO", "CLOCK", "CHALKBOARD", "BLACKBOARD", "NUMBER TILE", "WALL ART"),
     "deco-murale"),
    (("BATH", "BATHROOM", "SOAP", "SPONGE", "WASHBAG", "TOILETRY", "COSMETIC", "BALM",
      "PLASTERS", "LIP GLOSS", "NAIL", "SHOWER", "TOWEL", "FLANNEL", "MANICURE",
      "FIRST AID", "TOOTHBRUSH", "TISSUE BOX", "TISSUES", "BASIN"), "bain-bien-etre"),
    (("TOY", "GAME", "JIGSAW", "PUZZLE", "DOLL", "DOLLS", "PLAYHOUSE", "SKITTLES",
      "DOMINOES", "LUDO", "SNAKES", "SPINNING TOP", "MARBLES", "KITE", "TEDDY",
      "PLAYING CARDS", "YOYO", "YO YO", "BUBBLES", "SOLDIER", "PUPPET", "HARMONICA",
      "TATTOO", "ROCKING HORSE", "DRAWING SLATE", "HELICOPTER", "MONEY BOX", "MONEY BANK",
      "PIGGY BANK", "FLYING DISC", "INFLATABLE", "BLOCKS", "BUILDING BLOCK", "WHISTLE",
      "SKIPPING ROPE", "BINGO", "CREEPY CRAWLIE", "COOKING SET", "GLIDER"), "jouets-jeux"),
    (("CHILDRENS", "CHILDREN", "CHILDS", "CHILD", "KIDS", "KID", "BABY", "NURSERY",
      "SCHOOL"), "univers-enfant"),
    (("NOTEBOOK", "NOTEPAD", "NOTE BOOK", "PENCIL", "PEN", "ERASER", "STICKER",
      "CALENDAR", "DIARY", "JOURNAL", "SKETCHBOOK", "CRAYON", "CHALK", "RULER",
      "SHARPENER", "ADDRESS BOOK", "ALBUM", "BOOKMARK", "PAPERWEIGHT", "P WEIGHT",
      "STATIONERY", "WRITING SET", "HOLE PUNCH", "CALCULATOR", "LETTER HOLDER",
      "LETTER RACK", "POSTCARD"), "papeterie"),
    (("CARD", "WRAP", "GIFT BAG", "TISSUE", "RIBBON", "GIFT TAG", "TAG", "GIFT BOX",
      "ENVELOPE", "PAPER BAG", "BOW"), "cartes-emballages"),
    (("CAKE CASE", "PETIT FOUR CASE", "BAKING", "CAKE TIN", "CUTTER", "MOULD", "ICING",
      "CUPCAKE", "APRON", "OVEN GLOVE", "OVEN MITT", "ROLLING PIN", "RECIPE",
      "MEASURING SPOON", "MEASURING CUP", "PUDDING BASIN", "PIE DISH", "CAKE STAND",
      "CAKESTAND", "BISCUIT TIN", "PASTRY", "LOLLY MAKER"), "patisserie"),
    (("HOT WATER BOTTLE", "HOTTIE", "CUSHION", "THROW", "BLANKET", "QUILT", "DOORMAT", "CURTAIN",
      "FILLER PAD", "POUFFE", "BEAN BAG", "RUG", "MAT", "TABLECLOTH", "TABLE RUN",
      "BEDSPREAD", "PATCHWORK"), "coussins-textiles"),
    (("LUNCH", "PICNIC", "FLASK", "WATER BOTTLE", "DRINKS BOTTLE", "STRAW", "HAMPER",
      "SNACK BOX", "SANDWICH"), "lunch-pique-nique"),
    (("BAG", "SHOPPER", "TOTE", "PURSE", "WALLET", "HANDBAG", "RUCKSACK", "BACKPACK",
      "SATCHEL", "POUCH", "LUGGAGE", "PASSPORT COVER"), "sacs"),
    (("MUG", "TEACUP", "CUP", "SAUCER", "PLATE", "PLATTER", "BOWL", "FRUITBOWL", "DISH",
      "JUG", "TEAPOT", "BEAKER", "TUMBLER", "GOBLET", "CUTLERY", "SPOON", "TEASPOON",
      "FORK", "CHOPSTICK", "COASTER", "PLACEMAT", "TRAY", "CHAMPAGNE", "WINE GLASS",
      "SHOT GLASS", "APERITIF GLASS", "MILKSHAKE GLASS", "DRINKING GLASS", "CHALICE",
      "PLACE SETTING", "CAKE SLICE", "TOASTRACK", "CARAFE", "DECANTER", "SALT",
      "PEPPER", "TOAST RACK", "EGG CUP"), "vaisselle"),
    (("TEA TOWEL", "KITCHEN", "JAR", "STORAGE TIN", "TINS", "CANISTER", "BREAD BIN",
      "SCALES", "CHOPPING BOARD", "FOOD COVER", "CONTAINER", "FRYING PAN", "SAUCEPAN",
      "PAN", "TEA COSY", "EGG COSY", "TIMER", "COFFEE", "TEA", "SUGAR", "PANTRY",
      "BOTTLE", "DOILY", "DOILIES", "OVEN", "GRATER", "WHISK", "COLANDER", "JAM MAKING",
      "MEMO BOARD", "MEMOBOARD", "FRIDGE MAGNET", "CADDY", "STRAINER", "UTENSIL",
      "SQUEEZER"), "ustensiles-cuisine"),
    (("RUBBER", "STAMP", "MAGNET", "CLIP", "SCISSOR", "MEMO", "DESK", "OFFICE", "FILE",
      "FOLDER", "PASSPORT", "TAPE", "BOOK"), "papeterie"),
    (("SEWING", "KNITTING", "CROCHET", "FELTCRAFT", "EMBROIDERY", "BUTTON", "COLOURING",
      "PAINT", "PAINTING", "ORIGAMI", "DECOUPAGE", "CRAFT", "KIT", "THREAD", "NEEDLE",
      "PIN CUSHION", "TAPE MEASURE", "MODELLING", "CLAY", "PATCHES"), "loisirs-creatifs"),
    (("GARDEN", "WATERING CAN", "PLANTER", "PLANT POT", "FLOWER POT", "POT", "HERB",
      "SEED", "BIRD FEEDER", "BIRDHOUSE", "BIRD HOUSE", "BIRD TABLE", "NESTING BOX",
      "DOVECOTE", "PEG", "GNOME", "TROWEL", "SPADE", "SHED", "OUTDOOR", "BEACH",
      "WINDMILL", "THERMOMETER", "GROW", "GARDENERS", "PLANT", "WHEELBARROW", "HAMMOCK",
      "FLY SWAT", "TOOL SET"), "jardin"),
    (("SPACEBOY", "DINOSAUR", "CIRCUS", "ROBOT", "NINJA", "SPACE CADET", "CAR", "TRAIN",
      "TRUCK", "MONSTER", "PIRATE"), "jouets-jeux"),
    (("WALL", "TILE", "HOOK", "PRINT", "LETTER", "PICTURE", "POSTER", "CANVAS"),
     "deco-murale"),
    (("DRAWER KNOB", "DRAWERKNOB", "DOOR KNOB", "DOORKNOB", "KNOB"), "objets-deco"),
    (("BOX", "BASKET", "DRAWER", "CABINET", "STORAGE", "SHELF", "RACK", "TIDY",
      "ORGANISER", "TRINKET", "CHEST", "BIN", "CUPBOARD", "HANGER", "CRATE", "TRUNK",
      "CASE", "HOLDER", "STAND", "TIN", "BUCKET", "TUB", "SUITCASE", "WARDROBE", "CHAIR",
      "STOOL", "TABLE", "BENCH", "SEAT"), "rangement"),
    (("SCARF", "GLOVES", "HAT", "PHONE", "SUNGLASSES", "PONCHO", "SLIPPER", "SOCK",
      "WATCH", "BADGE", "COMPACT", "FAN", "PARASOL", "MITTENS", "COLLAR", "LEAD", "HEADPHONES",
      "EAR MUFF"), "accessoires"),
    (("DECORATION", "ORNAMENT", "HANGING", "GARLAND", "WREATH", "MOBILE", "FEATHER",
      "ARTIFICIAL", "DOORSTOP", "CHIME", "WINDCHIME", "BIRD", "HEART", "STAR", "FLOWER",
      "FIGURE", "VASE", "BELL", "SNOW GLOBE", "CRYSTAL", "SHELL", "ROSE", "BUTTERFLY",
      "EGG", "RABBIT", "HEN", "ANGEL", "DOVE", "LOVEBIRD", "DECO", "CLOCHE", "BUDDHA",
      "MUSHROOM", "TOADSTOOL", "FLYING DUCK", "OWL", "CAT", "DOG", "PONY", "ANIMAL",
      "ASHTRAY", "FLAG"), "objets-deco"),
)  # fmt: skip

_COMPILED = tuple(
    (
        re.compile(
            r"\b(?:" + "|".join(re.escape(keyword) for keyword in keywords) + r")(?:S|ES)?\b"
        ),
        slug,
    )
    for keywords, slug in RULES
)
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


def classify(source_name: str) -> str:
    """The slug of the leaf category of a product, from its recorded name; the fallback
    leaf when no rule matches. Deterministic: the same name always gives the same leaf."""
    text = _NOT_WORD.sub(" ", source_name.upper()).strip()
    for pattern, slug in _COMPILED:
        if pattern.search(text):
            return slug
    return FALLBACK
