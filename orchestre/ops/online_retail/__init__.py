"""Import of the UCI "Online Retail" transactions: catalogue, stock, customers and
historical orders from real data. See docs/data-import.md for every conversion."""

from orchestre.ops.online_retail.errors import ImportFileError
from orchestre.ops.online_retail.services import (
    ImportSummary,
    import_online_retail,
    shop_is_empty,
)

__all__ = ["ImportFileError", "ImportSummary", "import_online_retail", "shop_is_empty"]
