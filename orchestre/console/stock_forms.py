"""Console, stock: the forms. They check the shape of the input; the services decide and
their errors are put next to the fields they name (`apply_error`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orchestre.core.errors import DomainError
from orchestre.inventory.ledger import MAX_QUANTITY
from orchestre.inventory.models import Supplier, Warehouse
from orchestre.inventory.services import AdjustmentReason


def _warehouses():
    return Warehouse.objects.order_by("priority", "code")


def apply_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to the fields it names, the rest above the form."""
    placed = False
    for field, field_messages in error.fields.items():
        name = {"to_warehouse": "to_warehouse", "warehouse": "warehouse"}.get(field, field)
        if name in form.fields:
            for message in field_messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class AdjustmentForm(forms.Form):
    prefix = "adjust"
    warehouse = forms.ModelChoiceField(queryset=_warehouses(), label=_("Warehouse"))
    quantity = forms.IntegerField(
        label=_("Change in units"),
        help_text=_("Negative for units gone (damaged, lost), positive for units found."),
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
    )
    reason = forms.ChoiceField(choices=AdjustmentReason.choices, label=_("Reason"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("A movement of zero units changes nothing."))
        return quantity


class TransferForm(forms.Form):
    prefix = "transfer"
    from_warehouse = forms.ModelChoiceField(queryset=_warehouses(), label=_("From"))
    to_warehouse = forms.ModelChoiceField(queryset=_warehouses(), label=_("To"))
    quantity = forms.IntegerField(label=_("Units"), min_value=1, max_value=MAX_QUANTITY)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("from_warehouse"), cleaned.get("to_warehouse")
        if source and source == target:
            self.add_error(
                "to_warehouse", _("Choose a destination other than the source warehouse.")
            )
        return cleaned


class ReorderForm(forms.Form):
    prefix = "reorder"
    warehouse = forms.ModelChoiceField(queryset=_warehouses(), label=_("Warehouse"))
    reorder_point = forms.IntegerField(
        label=_("Reorder point"), min_value=0, max_value=MAX_QUANTITY
    )
    reorder_quantity = forms.IntegerField(
        label=_("Reorder quantity"), min_value=0, max_value=MAX_QUANTITY
    )


class WarehouseForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    city = forms.CharField(label=_("City"), max_length=80)
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=1000,
        help_text=_("Lower ships first when several warehouses can serve a line."),
    )


class PurchaseOrderForm(forms.Form):
    supplier = forms.ModelChoiceField(
        queryset=Supplier.objects.filter(is_active=True).order_by("name"), label=_("Supplier")
    )
    warehouse = forms.ModelChoiceField(queryset=_warehouses(), label=_("Deliver to"))
    expected_on = forms.DateField(
        label=_("Expected on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lines = forms.CharField(
        label=_("Lines"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per product: SKU, units, unit cost, e.g. 85123A 24 2.55"),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
