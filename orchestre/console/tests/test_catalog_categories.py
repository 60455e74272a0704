from orchestre.catalog.models import Category
from orchestre.catalog.tests.factories import CategoryFactory, DepartmentFactory


def test_creating_a_category(db, console_client):
    department = DepartmentFactory()
    client = console_client("content-editor")

    response = client.post(
        "/en/console/catalog/categories/new/",
        {"name_fr": "Bougies", "name_en": "Candles", "slug": "bougies", "parent": department.pk},
    )

    category = Category.objects.get(slug="bougies")
    assert response.status_code == 302
    assert category.parent_id == department.pk


def test_a_taken_slug_is_explained(db, console_client):
    CategoryFactory(slug="bougies")
    client = console_client("content-editor")

    response = client.post(
        "/en/console/catalog/categories/new/",
        {"name_fr": "B", "name_en": "C", "slug": "bougies"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["slug"] == [
        "The address “bougies” is already used by another category."
    ]
    assert Category.objects.count() == 2


def test_moving_and_reordering(db, console_client):
    kitchen = DepartmentFactory(slug="kitchen")
    category = CategoryFactory()
    client = console_client("content-editor")

    moved = client.post(
        f"/en/console/catalog/categories/{category.pk}/move/", {"parent": kitchen.pk}
    )
    reordered = client.post(
        f"/en/console/catalog/categories/{kitchen.pk}/reorder/", {"direction": "up"}
    )

    assert (moved.status_code, reordered.status_code) == (302, 302)
    assert Category.objects.get(pk=category.pk).parent_id == kitchen.pk


def test_categories_page_queries(db, console_client, django_assert_num_queries):
    for _ in range(3):
        CategoryFactory()
    client = console_client("content-editor")
    client.get("/en/console/catalog/categories/")

    # 8 for every console page (session, user, 2FA, permissions, session save), then the
    # departments and their categories
    with django_assert_num_queries(10):
        response = client.get("/en/console/catalog/categories/")

    assert response.status_code == 200
