import threading

import pytest
from django.db import connection

from orchestre.catalog.models import SearchTerm
from orchestre.catalog.search import search_product_ids
from orchestre.catalog.services import index_products, rebuild_search_index
from orchestre.catalog.tests.factories import ProductFactory

WRITERS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_index_writes_never_fail_nor_duplicate():
    products = [
        ProductFactory(name=f"Glass lantern {number}", search_index=False) for number in range(5)
    ]
    ids = [product.pk for product in products]
    errors = []
    start = threading.Barrier(WRITERS)

    def write(number):
        try:
            start.wait()
            if number % 3 == 0:
                rebuild_search_index()
            else:
                index_products(list(reversed(ids)) if number % 2 else ids)
        except Exception as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert SearchTerm.objects.filter(term="lantern").count() == 5
    assert search_product_ids("lanterns") == ids
