"""Console, stock: the forms of cycle counts. They check the shape of the input; the
counting services decide."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Category
from orchestre.inventory import selectors
from orchestre.inventory.ledger import MAX_QUANTITY
from orchestre.inventory.models import CycleCount, StockLevel

MAX_SKUS = 500


class StartCountForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=selectors.list_warehouses(), label=_("Warehouse"))
    skus = forms.CharField(
        label=_("Products (SKUs)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("slug"),
        label=_("Category"),
        required=False,
        help_text=_(
            "Adds the products of this category (and its sub-categories) stocked in the "
            "warehouse. Without SKUs or category, every product stocked there is counted."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean_skus(self) -> list[str]:
        skus = sorted(set(self.cleaned_data["skus"].replace(",", " ").split()))
        if len(skus) > MAX_SKUS:
            raise forms.ValidationError(
                _("List at most %(count)d SKUs at once.") % {"count": MAX_SKUS}
            )
        ids = selectors.product_ids_by_sku(skus)
        unknown = [sku for sku in skus if sku not in ids]
        if unknown:
            raise forms.ValidationError(
                _("Unknown SKUs: %(skus)s.") % {"skus": ", ".join(unknown[:10])}
            )
        self.sku_product_ids = sorted(ids.values())
        return skus

    def product_ids(self) -> list[int] | None:
        """The products to count, or None for every product stocked in the warehouse."""
        data = self.cleaned_data
        category = data.get("category")
        if not data["skus"] and category is None:
            return None
        wanted = set(self.sku_product_ids)
        if category is not None:
            wanted.update(
                StockLevel.objects.filter(warehouse=data["warehouse"])
                .filter(Q(product__category=category) | Q(product__category__parent=category))
                .values_list("product_id", flat=True)
            )
        return sorted(wanted)


def parse_counted(
    count: CycleCount, data
) -> tuple[dict[int, int | None], dict[int, list[str]], dict[int, str]]:
    """Read `line-<id>` inputs of an open count: (changed counts per line id, errors per
    line id, the raw values to show again). Only lines whose value changed are returned,
    so saving again does not move an earlier entry's expected quantity."""
    changed, errors, raw_values = {}, {}, {}
    for line in count.lines.all():
        name = f"line-{line.pk}"
        if name not in data:
            continue
        raw = data[name].strip()
        raw_values[line.pk] = raw
        if raw == "":
            units = None
        else:
            try:
                units = int(raw)
            except ValueError:
                units = -1
            if not 0 <= units <= MAX_QUANTITY:
                errors[line.pk] = [str(_("Enter a whole number of units, 0 or more."))]
                continue
        if units != line.counted_quantity:
            changed[line.pk] = units
    return changed, errors, raw_values
