"""Forms of the catalogue section. They parse and label input; the rules (lengths that
matter, free slugs, prices in cents, real images) live in the catalogue and pricing
services, whose errors land next to the fields through `show_domain_error`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Attribute, Category, VariantFamily
from orchestre.catalog.selectors import list_attributes_with_values
from orchestre.core.errors import DomainError
from orchestre.pricing.models import VatRate


def show_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's error on the form: each field error next to its field, the rest
    (and errors on fields the form does not show) at the top."""
    if not error.fields:
        form.add_error(None, error.message)
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def category_choices(*, departments_only: bool = False) -> list[tuple[str, str]]:
    """Departments, each followed by its categories (indented), for a select."""
    categories = list(Category.objects.order_by("position", "slug"))
    choices = []
    for department in (category for category in categories if category.parent_id is None):
        choices.append((str(department.pk), department.name))
        if not departments_only:
            choices += [
                (str(category.pk), f"— {category.name}")
                for category in categories
                if category.parent_id == department.pk
            ]
    return choices


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    weight_grams = forms.IntegerField(label=_("Weight (g)"))
    pack_size = forms.IntegerField(label=_("Pack size"), required=False)
    is_active = forms.BooleanField(label=_("On sale in the shop"), required=False)
    slug = forms.CharField(
        label=_("Address (slug)"),
        max_length=140,
        help_text=_("Changing it keeps the old address working (it redirects)."),
    )
    meta_title = forms.CharField(
        label=_("Meta title"), required=False, help_text=_("At most 70 characters.")
    )
    meta_description = forms.CharField(
        label=_("Meta description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("At most 160 characters."),
    )
    variant_family = forms.TypedChoiceField(
        label=_("Variant family"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["variant_family"].choices = [("", _("None"))] + [
            (str(family.pk), family.name) for family in VariantFamily.objects.all()
        ]
        # One multiple choice per attribute, so the form reads "Colour: red, pink".
        self.attributes = list_attributes_with_values()
        for attribute in self.attributes:
            self.fields[f"attribute_{attribute.code}"] = forms.TypedMultipleChoiceField(
                label=attribute.name,
                required=False,
                coerce=int,
                choices=[(str(value.pk), value.name) for value in attribute.values.all()],
                widget=forms.CheckboxSelectMultiple,
            )

    def content_fields(self):
        return [field for field in self if not field.name.startswith("attribute_")]

    def attribute_fields(self):
        return [self[f"attribute_{attribute.code}"] for attribute in self.attributes]

    def attribute_value_ids(self) -> list[int]:
        return [
            value_id
            for attribute in self.attributes
            for value_id in self.cleaned_data[f"attribute_{attribute.code}"]
        ]

    @classmethod
    def initial_for(cls, product) -> dict:
        initial = {
            "name": product.name,
            "description": product.description,
            "category": product.category_id,
            "weight_grams": product.weight_grams,
            "pack_size": product.pack_size,
            "is_active": product.is_active,
            "slug": product.slug,
            "meta_title": product.meta_title,
            "meta_description": product.meta_description,
            "variant_family": product.variant_family_id,
        }
        for value in product.attribute_values.all():
            initial.setdefault(f"attribute_{value.attribute.code}", []).append(value.pk)
        return initial


class NewProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class PriceForm(forms.Form):
    # Text, not a DecimalField: the pricing service gives the precise message (negative,
    # three decimals…), the same one the API gives.
    amount = forms.CharField(
        label=_("Price incl. VAT (€)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    vat_rate = forms.ModelChoiceField(label=_("VAT rate"), queryset=VatRate.objects.all())


class ImageForm(forms.Form):
    # A FileField, not an ImageField: the catalogue checks the picture itself (Pillow) and
    # gives one clear message for every kind of bad file.
    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or GIF, at least 240 pixels wide, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label=_("Alternative text"),
        max_length=200,
        help_text=_("What the picture shows, for people who cannot see it."),
    )


class AltTextForm(forms.Form):
    alt_text = forms.CharField(label=_("Alternative text"), max_length=200)


class CategoryForm(forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    description_fr = forms.CharField(
        label=_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NewCategoryForm(CategoryForm):
    slug = forms.CharField(label=_("Address (slug)"), max_length=80)
    parent = forms.TypedChoiceField(
        label=_("Department"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty to create a department."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("None (a department)"))] + category_choices(
            departments_only=True
        )


class MoveCategoryForm(forms.Form):
    parent = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("None (top level)"))] + category_choices(
            departments_only=True
        )


class VariantFamilyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    axes = forms.ModelMultipleChoiceField(
        label=_("Attributes that tell the variants apart"),
        queryset=Attribute.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
