from django.core.files.storage import default_storage
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


class VariantFamily(models.Model):
    """Products sold as variants of one article (the same mug in four colours): each member
    stays a product of its own (SKU, price, stock), and the family names the attributes
    that tell them apart. Grouping whole products keeps cart, stock and orders unchanged."""

    name = models.CharField(_("name"), max_length=200)
    axes = models.ManyToManyField(
        Attribute, related_name="variant_families", verbose_name=_("distinguishing attributes")
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("variant family")
        verbose_name_plural = _("variant families")

    def __str__(self) -> str:
        return self.name


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
    meta_title = models.CharField(_("meta title"), max_length=70, blank=True)
    meta_description = models.CharField(_("meta description"), max_length=160, blank=True)
    variant_family = models.ForeignKey(
        VariantFamily,
        null=True,
        blank=True,
        related_name="products",
        on_delete=models.SET_NULL,
        verbose_name=_("variant family"),
    )
    # The first image, kept on the product (by catalog.editing) so listings show it through
    # a join instead of one more query per page.
    cover_image = models.ForeignKey(
        "ProductImage", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
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


class ProductSlugRedirect(models.Model):
    """A slug a product had before: its old address keeps leading to it (permanent
    redirect), and no other product may take it."""

    slug = models.SlugField(unique=True, max_length=140)
    product = models.ForeignKey(Product, related_name="slug_redirects", on_delete=models.CASCADE)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.slug} → {self.product_id}"


class ProductImage(models.Model):
    """An uploaded product photograph, stored as re-encoded renditions of a few widths
    (`renditions`: width as text → storage name); the upload itself is not kept, so no
    camera metadata is published."""

    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(_("alternative text"), max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    renditions = models.JSONField(default=dict)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(alt_text=""), name="image_alt_text_required")
        ]

    def __str__(self) -> str:
        return self.alt_text

    def _sorted_renditions(self) -> list[tuple[int, str]]:
        return sorted((int(width), name) for width, name in self.renditions.items())

    def url_for(self, width: int) -> str:
        """The smallest rendition at least `width` wide (the largest when none is)."""
        renditions = self._sorted_renditions()
        for rendition_width, name in renditions:
            if rendition_width >= width:
                return default_storage.url(name)
        return default_storage.url(renditions[-1][1])

    @property
    def card_url(self) -> str:
        return self.url_for(240)

    @property
    def page_url(self) -> str:
        return self.url_for(480)

    @property
    def srcset(self) -> str:
        return ", ".join(
            f"{default_storage.url(name)} {width}w" for width, name in self._sorted_renditions()
        )

    def rendition_height(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    @property
    def card_height(self) -> int:
        """Height of the image shown 240 px wide (for the `height` attribute)."""
        return self.rendition_height(240)

    @property
    def page_height(self) -> int:
        """Height of the image shown 480 px wide."""
        return self.rendition_height(480)


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
