from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedNameMixin(models.Model):
    """French and English labels side by side: two languages, so two columns are simpler and
    faster than a translation table (no join on every listing)."""

    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Category(TranslatedNameMixin):
    """A two-level tree: departments and their categories. Two levels are enough for a gift
    shop and a plain parent link keeps queries trivial (no MPTT/treebeard bookkeeping)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    slug = models.SlugField(unique=True, max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    @property
    def description(self) -> str:
        return (
            self.description_en
            if (get_language() or "fr").startswith("en")
            else self.description_fr
        )


class Attribute(TranslatedNameMixin):
    code = models.SlugField(unique=True, max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]


class AttributeValue(TranslatedNameMixin):
    attribute = models.ForeignKey(Attribute, related_name="values", on_delete=models.CASCADE)
    code = models.SlugField(max_length=40)

    class Meta:
        ordering = ["attribute__position", "name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "code"], name="attribute_value_unique")
        ]


class Product(models.Model):
    """A sellable article; its SKU is the shop's stock code (upper case, normalised)."""

    sku = models.CharField(_("SKU"), max_length=32, unique=True)
    slug = models.SlugField(unique=True, max_length=140)
    name = models.CharField(_("name"), max_length=200)
    source_name = models.CharField(_("name as recorded"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, related_name="products", on_delete=models.PROTECT)
    attribute_values = models.ManyToManyField(AttributeValue, related_name="products", blank=True)
    pack_size = models.PositiveIntegerField(_("pack size"), null=True, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=500)
    is_active = models.BooleanField(default=True)
    units_sold = models.IntegerField(
        _("units sold"), default=0, help_text=_("Bestseller rank, from completed sales.")
    )
    created_at = models.DateTimeField(_("listed on"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "is_active"]),
            models.Index(fields=["-units_sold"]),
            models.Index(fields=["-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sku=Upper("sku")), name="sku_upper_case")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class SearchTerm(models.Model):
    """One posting of the product search index: a normalised, stemmed word found in the
    product's name (or in its category's labels), with the weight of where it was found.

    Rows are derived data, written only by `catalog.services` (never edited by hand), and
    read by `catalog.search`. The unique index starts with `term`, so it also serves the
    lookups by term."""

    term = models.CharField(max_length=64)
    product = models.ForeignKey(Product, related_name="search_terms", on_delete=models.CASCADE)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "product"], name="search_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.product_id} ({self.weight})"
