from orchestre.catalog.completeness import CRITERIA, annotate_completeness, missing_criteria
from orchestre.catalog.models import Product
from orchestre.catalog.selectors import get_product_for_editing, list_incomplete_products
from orchestre.catalog.tests.factories import AttributeValueFactory, CategoryFactory, ProductFactory


def test_the_weights_add_up_to_100():
    assert sum(criterion.weight for criterion in CRITERIA) == 100


def test_each_criterion_adds_its_weight(db):
    bare = ProductFactory(name="Mug", description="")
    full = ProductFactory(
        name="Enamel mug, red",
        description="x" * 80,
        meta_title="Enamel mug",
        meta_description="A red enamel mug.",
        attribute_values=[AttributeValueFactory()],
    )

    scores = dict(annotate_completeness(Product.objects.all()).values_list("pk", "completeness"))

    assert scores == {bare.pk: 0, full.pk: 75}  # only the image is missing
    product = get_product_for_editing(full.pk)
    assert [criterion.code for criterion in missing_criteria(product)] == ["image"]


def test_the_worklist_lists_incomplete_products_least_complete_first_by_category(
    db,
    django_assert_num_queries,
):
    category = CategoryFactory()
    bare = ProductFactory(name="Mug", category=category)
    named = ProductFactory(name="Long enough name", category=category)
    ProductFactory(name="Elsewhere")

    with django_assert_num_queries(1):
        worklist = list(list_incomplete_products(category_id=category.parent_id))

    assert [(product.pk, product.completeness) for product in worklist] == [
        (bare.pk, 0),
        (named.pk, 10),
    ]
