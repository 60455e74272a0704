"""How complete a product page is, as a score out of 100 for the content team.

Each criterion is a condition the database evaluates (so the worklist can filter and sort
thousands of products by score in one query) and a weight; the score is the sum of the
weights of the criteria met. Weights follow what a shopper misses most:

| criterion            | weight | met when                                          |
| -------------------- | ------ | ------------------------------------------------- |
| description          | 30     | at least 80 characters of description             |
| image                | 25     | at least one uploaded image                       |
| attributes           | 15     | at least one attribute value (colour, material…)  |
| meta title           | 10     | an SEO title is set                               |
| meta description     | 10     | an SEO description is set                         |
| name                 | 10     | the name has at least 10 characters               |
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Product

MIN_DESCRIPTION_LENGTH = 80
MIN_NAME_LENGTH = 10
COMPLETE = 100


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Promise  # what is missing, as the content team reads it
    weight: int

    @property
    def field(self) -> str:
        return f"has_{self.code}"


CRITERIA = (
    Criterion("description", _("Description missing or under 80 characters"), 30),
    Criterion("image", _("No image"), 25),
    Criterion("attributes", _("No attribute values"), 15),
    Criterion("meta_title", _("No meta title"), 10),
    Criterion("meta_description", _("No meta description"), 10),
    Criterion("name", _("Name under 10 characters"), 10),
)
assert sum(criterion.weight for criterion in CRITERIA) == COMPLETE


def _conditions() -> dict[str, object]:
    attribute_links = Product.attribute_values.through.objects.filter(product_id=OuterRef("pk"))
    return {
        "description": GreaterThanOrEqual(Length("description"), MIN_DESCRIPTION_LENGTH),
        "image": Q(cover_image__isnull=False),
        "attributes": Exists(attribute_links),
        "meta_title": ~Q(meta_title=""),
        "meta_description": ~Q(meta_description=""),
        "name": GreaterThanOrEqual(Length("name"), MIN_NAME_LENGTH),
    }


def annotate_completeness(products: QuerySet[Product]) -> QuerySet[Product]:
    """`products` with a boolean `has_<criterion>` per criterion and the `completeness`
    score (0–100), both computed by the database."""
    conditions = _conditions()
    flags = {
        criterion.field: ExpressionWrapper(conditions[criterion.code], output_field=BooleanField())
        for criterion in CRITERIA
    }
    products = products.annotate(**flags)
    score = Value(0)
    for criterion in CRITERIA:
        score = score + _weight_if(conditions[criterion.code], criterion.weight)
    return products.annotate(completeness=score)


def _weight_if(condition, weight: int):
    return Case(When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField())


def missing_criteria(product: Product) -> list[Criterion]:
    """The criteria an annotated product does not meet, heaviest first."""
    missing = [criterion for criterion in CRITERIA if not getattr(product, criterion.field)]
    return sorted(missing, key=lambda criterion: -criterion.weight)
