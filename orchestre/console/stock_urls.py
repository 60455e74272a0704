"""Console: stock pages."""

from django.urls import path

from orchestre.console import stock_count_views, stock_supply_views, stock_views

urlpatterns = [
    path("stock/", stock_views.stock, name="stock"),
    path("stock/products/<int:product_id>/", stock_views.product_stock, name="stock_product"),
    path("stock/products/<int:product_id>/adjust/", stock_views.adjust, name="stock_adjust"),
    path("stock/products/<int:product_id>/transfer/", stock_views.transfer, name="stock_transfer"),
    path(
        "stock/products/<int:product_id>/reorder/",
        stock_views.reorder_levels,
        name="stock_reorder_levels",
    ),
    path("stock/reorder/", stock_supply_views.reorder_suggestions, name="stock_reorder"),
    path("stock/warehouses/", stock_supply_views.warehouses, name="stock_warehouses"),
    path("stock/warehouses/new/", stock_supply_views.warehouse_form, name="stock_warehouse_new"),
    path(
        "stock/warehouses/<int:warehouse_id>/",
        stock_supply_views.warehouse_form,
        name="stock_warehouse_edit",
    ),
    path(
        "stock/purchase-orders/",
        stock_supply_views.purchase_orders,
        name="stock_purchase_orders",
    ),
    path(
        "stock/purchase-orders/new/",
        stock_supply_views.new_purchase_order,
        name="stock_purchase_order_new",
    ),
    path(
        "stock/purchase-orders/<int:purchase_order_id>/",
        stock_supply_views.purchase_order,
        name="stock_purchase_order",
    ),
    path(
        "stock/purchase-orders/<int:purchase_order_id>/receive/",
        stock_supply_views.receive,
        name="stock_purchase_order_receive",
    ),
    path(
        "stock/purchase-orders/<int:purchase_order_id>/status/",
        stock_supply_views.purchase_order_status,
        name="stock_purchase_order_status",
    ),
    path("stock/counts/", stock_count_views.counts, name="stock_counts"),
    path("stock/counts/new/", stock_count_views.new_count, name="stock_count_new"),
    path("stock/counts/<int:count_id>/", stock_count_views.count_detail, name="stock_count"),
    path(
        "stock/counts/<int:count_id>/save/",
        stock_count_views.save_counts,
        name="stock_count_save",
    ),
    path(
        "stock/counts/<int:count_id>/confirm/",
        stock_count_views.confirm_count,
        name="stock_count_confirm",
    ),
    path(
        "stock/counts/<int:count_id>/cancel/",
        stock_count_views.cancel_count,
        name="stock_count_cancel",
    ),
]
