"""Console: catalogue pages (products, prices, images, variants, categories)."""

from django.urls import path

from orchestre.console import catalog_category_views, catalog_product_views, catalog_views

urlpatterns = [
    path("catalog/", catalog_views.catalog, name="catalog"),
    path("catalog/worklist/", catalog_views.worklist, name="catalog_worklist"),
    path("catalog/products/new/", catalog_views.product_new, name="catalog_product_new"),
    path(
        "catalog/products/<int:product_id>/",
        catalog_product_views.product,
        name="catalog_product",
    ),
    path(
        "catalog/products/<int:product_id>/price/",
        catalog_product_views.price,
        name="catalog_price",
    ),
    path(
        "catalog/products/<int:product_id>/images/",
        catalog_product_views.image_add,
        name="catalog_image_add",
    ),
    path(
        "catalog/images/<int:image_id>/",
        catalog_product_views.image_update,
        name="catalog_image_update",
    ),
    path(
        "catalog/images/<int:image_id>/first/",
        catalog_product_views.image_first,
        name="catalog_image_first",
    ),
    path(
        "catalog/images/<int:image_id>/delete/",
        catalog_product_views.image_delete,
        name="catalog_image_delete",
    ),
    path(
        "catalog/variants/",
        catalog_product_views.variant_families,
        name="catalog_variant_families",
    ),
    path("catalog/categories/", catalog_category_views.categories, name="catalog_categories"),
    path(
        "catalog/categories/new/",
        catalog_category_views.category_new,
        name="catalog_category_new",
    ),
    path(
        "catalog/categories/<int:category_id>/",
        catalog_category_views.category,
        name="catalog_category",
    ),
    path(
        "catalog/categories/<int:category_id>/move/",
        catalog_category_views.category_move,
        name="catalog_category_move",
    ),
    path(
        "catalog/categories/<int:category_id>/reorder/",
        catalog_category_views.category_reorder,
        name="catalog_category_reorder",
    ),
]
