"""The one place where a recorded price becomes a shop price.

Source prices are pounds sterling, VAT excluded: the shop's own gift vouchers prove it
(the £20 voucher is recorded at 16.67 = 20 / 1.20, the £100 one at 83.33). The shop sells
in euros, VAT included, in France. So a shop price is

    recorded GBP price × GBP_TO_EUR × (1 + French standard VAT rate)

rounded once, at the end, to the cent with orchestre.core.money.quantize (ROUND_HALF_UP).

GBP_TO_EUR is fixed and written down rather than fetched: 1 / 0.86788, the European
Central Bank's average EUR/GBP reference rate for 2011, the year the data comes from,
rounded to four decimals. A fixed rate makes the import reproducible (the same file
always gives the same prices). Historical orders are NOT converted: they keep their
recorded GBP amounts.
"""

from decimal import Decimal

from orchestre.core.money import quantize

GBP_TO_EUR = Decimal("1.1522")  # = 1 / 0.86788 (ECB 2011 average EUR/GBP reference rate)
VAT_RATE_CODE = "fr-standard"
VAT_COUNTRY = "FR"
VAT_RATE = Decimal("0.2000")
VAT_LABEL = "TVA taux normal (France)"


def shop_price(recorded_gbp_excluding_vat: Decimal) -> Decimal:
    """The shop's EUR price including French VAT for a recorded GBP price excluding VAT,
    rounded half-up to the cent."""
    return quantize(recorded_gbp_excluding_vat * GBP_TO_EUR * (1 + VAT_RATE), "EUR")
