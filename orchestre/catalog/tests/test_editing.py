import pytest
from django.utils import translation

from orchestre.catalog.editing import create_product, create_variant_family, update_product
from orchestre.catalog.errors import SkuTaken, SlugTaken, VariantClash
from orchestre.catalog.models import Product, ProductSlugRedirect, SearchTerm
from orchestre.catalog.selectors import get_product
from orchestre.catalog.tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
)
from orchestre.core.cache_versions import CATALOG, current_version
from orchestre.core.errors import InvalidInput, NotFound
from orchestre.core.models import AuditEntry


def test_update_product_changes_the_fields_audits_and_reindexes(
    editor, django_capture_on_commit_callbacks
):
    product = ProductFactory(name="White hanging heart", description="")
    red = AttributeValueFactory(code="red")
    category = CategoryFactory()
    version = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True):
        update_product(
            product_id=product.pk,
            actor=editor,
            name="Red lantern",
            description="A lantern.",
            category_id=category.pk,
            attribute_value_ids=[red.pk],
            meta_title="Red lantern | Orchestre",
        )

    product.refresh_from_db()
    assert (product.name, product.description, product.category_id) == (
        "Red lantern",
        "A lantern.",
        category.pk,
    )
    assert list(product.attribute_values.all()) == [red]
    assert "lantern" in set(
        SearchTerm.objects.filter(product=product).values_list("term", flat=True)
    )
    assert current_version(CATALOG) != version
    entry = AuditEntry.objects.get(action="product.updated")
    assert entry.actor == editor
    assert entry.changes["name"] == ["White hanging heart", "Red lantern"]
    assert entry.changes["attribute_values"] == [[], [red.pk]]
    assert entry.changes["meta_title"] == ["", "Red lantern | Orchestre"]


def test_update_product_refuses_bad_input_and_changes_nothing(editor):
    product = ProductFactory(name="White hanging heart")

    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        update_product(
            product_id=product.pk,
            actor=editor,
            name="   ",
            meta_title="x" * 71,
            weight_grams=0,
            slug="Not A Slug",
        )

    assert caught.value.fields == {
        "name": ["This field is required."],
        "meta_title": ["At most 70 characters (it has 71)."],
        "weight_grams": ["Between 1 and 100000 grams."],
        "slug": ["Use lower-case letters, digits and single hyphens (at most 140 characters)."],
    }
    product.refresh_from_db()
    assert product.name == "White hanging heart"
    assert not AuditEntry.objects.exists()


def test_update_product_of_an_unknown_product_is_not_found(editor):
    with pytest.raises(NotFound):
        update_product(product_id=999_999, actor=editor, name="Anything")


def test_a_new_slug_keeps_the_old_address_as_a_redirect(editor):
    product = ProductFactory(slug="old-address")

    update_product(product_id=product.pk, actor=editor, slug="new-address")

    assert Product.objects.get(pk=product.pk).slug == "new-address"
    assert ProductSlugRedirect.objects.get(slug="old-address").product_id == product.pk
    assert get_product("old-address").pk == product.pk


def test_going_back_to_an_old_slug_is_allowed(editor):
    product = ProductFactory(slug="first")
    update_product(product_id=product.pk, actor=editor, slug="second")

    update_product(product_id=product.pk, actor=editor, slug="first")

    assert Product.objects.get(pk=product.pk).slug == "first"
    assert list(ProductSlugRedirect.objects.values_list("slug", flat=True)) == ["second"]


def test_a_slug_of_another_product_now_or_before_is_refused(editor):
    other = ProductFactory(slug="taken")
    update_product(product_id=other.pk, actor=editor, slug="taken-now")
    product = ProductFactory(slug="mine")

    for slug in ("taken", "taken-now"):
        with translation.override("en"), pytest.raises(SlugTaken) as caught:
            update_product(product_id=product.pk, actor=editor, slug=slug, name="Changed")
        assert caught.value.fields == {
            "slug": [f"The address “{slug}” is already used by another product."]
        }

    product.refresh_from_db()
    assert (product.slug, product.name) != ("taken", "Changed")
    assert product.slug == "mine"
    assert ProductSlugRedirect.objects.filter(product=product).count() == 0


def test_create_product_is_inactive_so_not_searchable_yet(editor):
    category = CategoryFactory()

    product = create_product(
        actor=editor, sku=" 85123b ", name="Red heart", category_id=category.pk
    )

    assert (product.sku, product.slug, product.is_active) == ("85123B", "red-heart-85123b", False)
    assert not SearchTerm.objects.filter(product=product).exists()
    assert AuditEntry.objects.get(action="product.created").target_id == str(product.pk)


def test_create_product_refuses_a_taken_sku(editor):
    existing = ProductFactory(sku="85123A")

    with pytest.raises(SkuTaken):
        create_product(actor=editor, sku="85123a", name="Copy", category_id=existing.category_id)

    assert Product.objects.count() == 1


def test_variant_members_need_distinct_values_of_the_axes(editor):
    colour = AttributeFactory(code="colour")
    red = AttributeValueFactory(attribute=colour, code="red")
    blue = AttributeValueFactory(attribute=colour, code="blue")
    family = create_variant_family(actor=editor, name="Enamel mug", axis_ids=[colour.pk])
    red_mug = ProductFactory(attribute_values=[red])
    blue_mug = ProductFactory(attribute_values=[blue])
    plain_mug = ProductFactory()
    update_product(product_id=red_mug.pk, actor=editor, variant_family_id=family.pk)
    update_product(product_id=blue_mug.pk, actor=editor, variant_family_id=family.pk)

    with pytest.raises(InvalidInput) as missing:
        update_product(product_id=plain_mug.pk, actor=editor, variant_family_id=family.pk)
    with pytest.raises(VariantClash):
        update_product(
            product_id=plain_mug.pk,
            actor=editor,
            attribute_value_ids=[red.pk],
            variant_family_id=family.pk,
        )

    assert missing.value.code == "variant_values_missing"
    assert Product.objects.get(pk=plain_mug.pk).variant_family_id is None
    assert list(Product.objects.get(pk=plain_mug.pk).attribute_values.all()) == []
    page = get_product(red_mug.slug)
    assert [
        (variant.pk, [value.code for value in variant.variant_values]) for variant in page.variants
    ] == [(blue_mug.pk, ["blue"])]


def test_a_variant_family_needs_a_name_and_an_axis(editor):
    with pytest.raises(InvalidInput) as caught:
        create_variant_family(actor=editor, name="", axis_ids=[])

    assert set(caught.value.fields) == {"name", "axes"}
