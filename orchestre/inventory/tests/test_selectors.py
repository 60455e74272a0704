from orchestre.catalog.tests.factories import ProductFactory
from orchestre.inventory.selectors import available_quantities
from orchestre.inventory.tests.factories import stocked_product


def test_available_is_on_hand_minus_reserved_summed_over_warehouses(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8))
    lantern.stock_levels.filter(warehouse=paris).update(reserved=3)
    empty_shelf = stocked_product((lyon, 0))
    never_stocked = ProductFactory(search_index=False)

    assert available_quantities([lantern.pk, empty_shelf.pk, never_stocked.pk]) == {
        lantern.pk: 17,
        empty_shelf.pk: 0,
        never_stocked.pk: 0,
    }


def test_available_quantities_is_one_query_for_any_number_of_products(
    lyon, paris, django_assert_num_queries
):
    products = [stocked_product((lyon, number), (paris, 1)) for number in range(30)]

    with django_assert_num_queries(1):
        available = available_quantities(product.pk for product in products)

    assert available == {product.pk: number + 1 for number, product in enumerate(products)}


def test_no_products_asked_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert available_quantities([]) == {}
