import pytest

from orchestre.catalog import search
from orchestre.catalog.category_editing import (
    create_category,
    move_category,
    rename_category,
    reorder_category,
)
from orchestre.catalog.errors import SlugTaken
from orchestre.catalog.models import Category
from orchestre.catalog.tests.factories import CategoryFactory, DepartmentFactory, ProductFactory
from orchestre.core.errors import InvalidInput
from orchestre.core.models import AuditEntry


def test_create_category_goes_last_among_its_siblings(editor):
    department = DepartmentFactory()
    CategoryFactory(parent=department, position=4)

    category = create_category(
        actor=editor, name_fr="Bougies", name_en="Candles", slug="bougies", parent_id=department.pk
    )

    assert (category.parent_id, category.position) == (department.pk, 5)
    assert AuditEntry.objects.get(action="category.created").changes["slug"] == [None, "bougies"]


def test_create_category_refuses_a_taken_slug_and_a_category_as_parent(editor):
    category = CategoryFactory(slug="bougies")

    with pytest.raises(SlugTaken):
        create_category(actor=editor, name_fr="B", name_en="C", slug="bougies")
    with pytest.raises(InvalidInput) as caught:
        create_category(actor=editor, name_fr="B", name_en="C", slug="new", parent_id=category.pk)

    assert set(caught.value.fields) == {"parent"}
    assert Category.objects.count() == 2  # the category and its department


def test_rename_category_reindexes_its_products(editor):
    category = CategoryFactory(name_fr="Bougies", name_en="Candles")
    product = ProductFactory(category=category, name="White hanging heart")

    rename_category(actor=editor, category_id=category.pk, name_fr="Lanternes", name_en="Lanterns")
    search.clear_caches()

    assert search.search_product_ids("lanterns") == [product.pk]
    assert search.search_product_ids("candles") == []
    assert AuditEntry.objects.get(action="category.renamed").changes["name_en"] == [
        "Candles",
        "Lanterns",
    ]


def test_rename_category_refuses_an_empty_name(editor):
    category = CategoryFactory(name_fr="Bougies")

    with pytest.raises(InvalidInput) as caught:
        rename_category(actor=editor, category_id=category.pk, name_fr=" ", name_en="Candles")

    assert set(caught.value.fields) == {"name_fr"}
    assert Category.objects.get(pk=category.pk).name_fr == "Bougies"


def test_move_category_to_another_department_reindexes(editor):
    kitchen = DepartmentFactory(name_fr="Cuisine", name_en="Kitchen")
    category = CategoryFactory()
    product = ProductFactory(category=category)

    move_category(actor=editor, category_id=category.pk, parent_id=kitchen.pk)
    search.clear_caches()

    assert Category.objects.get(pk=category.pk).parent_id == kitchen.pk
    assert search.search_product_ids("kitchen") == [product.pk]


def test_a_department_with_categories_cannot_go_under_another(editor):
    department = CategoryFactory().parent
    other = DepartmentFactory()

    with pytest.raises(InvalidInput):
        move_category(actor=editor, category_id=department.pk, parent_id=other.pk)

    assert Category.objects.get(pk=department.pk).parent_id is None


def test_reorder_moves_one_place_and_renumbers(editor):
    department = DepartmentFactory()
    first, second, third = (
        CategoryFactory(parent=department, slug=slug, position=position)
        for slug, position in (("a", 3), ("b", 7), ("c", 9))
    )

    reorder_category(actor=editor, category_id=third.pk, offset=-1)

    order = list(
        Category.objects.filter(parent=department)
        .order_by("position")
        .values_list("slug", "position")
    )
    assert order == [("a", 0), ("c", 1), ("b", 2)]
    reorder_category(actor=editor, category_id=first.pk, offset=-1)  # already first
    assert Category.objects.get(pk=first.pk).position == 0
    assert second.pk
