"""Stock codes: how a code as recorded becomes a SKU, and which codes are not products.

The source uses its stock-code column for services and bookkeeping as well as for goods.
Those codes never become products; their lines keep the code as recorded and get the
line kind below. Every other code (five digits plus optional letters, and the ``DCGS…``
codes of the gift sets sold through the dotcom and eBay channel, which are real goods with
names and prices) is a product. The table is written out in docs/data-import.md.
"""

from orchestre.orders.models import OrderLine

Kind = OrderLine.Kind

# Normalised code -> line kind. Exact codes first; prefixes below.
NON_PRODUCT_CODES: dict[str, str] = {
    "POST": Kind.POSTAGE,
    "DOT": Kind.POSTAGE,  # dotcom postage
    "C2": Kind.POSTAGE,  # carriage
    "23444": Kind.POSTAGE,  # a numeric code, but only ever "Next Day Carriage"
    "M": Kind.MANUAL,  # also recorded as lower-case "m"
    # "PADS TO MATCH ALL CUSHIONS" at 0.001 or 0.00: a marker that cushion pads were
    # included, not an article anyone can buy on its own.
    "PADS": Kind.MANUAL,
    "D": Kind.DISCOUNT,
    "S": Kind.SAMPLES,
    "BANK CHARGES": Kind.FEE,
    "AMAZONFEE": Kind.FEE,
    "CRUK": Kind.FEE,  # Cancer Research UK commission
    "B": Kind.BAD_DEBT,
    "22016": Kind.GIFT_VOUCHER,  # a numeric code, only ever a £100 gift voucher
}
NON_PRODUCT_PREFIXES: dict[str, str] = {
    "GIFT_0001_": Kind.GIFT_VOUCHER,  # gift_0001_10 ... gift_0001_50
}


def normalise_stock_code(code: str) -> str:
    """The SKU of a recorded stock code: surrounding spaces removed, upper case, so that
    ``85123a`` and ``85123A`` are one product."""
    return code.strip().upper()


def non_product_kind(sku: str) -> str | None:
    """The line kind of a non-product code, or None when the code is a product."""
    kind = NON_PRODUCT_CODES.get(sku)
    if kind is not None:
        return kind
    for prefix, prefix_kind in NON_PRODUCT_PREFIXES.items():
        if sku.startswith(prefix):
            return prefix_kind
    return None
