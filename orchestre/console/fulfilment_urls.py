"""Console: fulfilment pages."""

from django.urls import path

from orchestre.console import fulfilment_shipment_views as parcels
from orchestre.console import fulfilment_views as views

urlpatterns = [
    path("fulfilment/", views.index, name="fulfilment"),
    path("fulfilment/pick-list.pdf", views.pick_list_pdf, name="fulfilment_pick_list"),
    path("fulfilment/start/", views.start, name="fulfilment_start"),
    path("fulfilment/back-orders/", views.back_orders, name="fulfilment_back_orders"),
    path("fulfilment/shipments/", parcels.shipments, name="fulfilment_shipments"),
    path("fulfilment/shipments/<int:shipment_id>/", parcels.shipment, name="fulfilment_shipment"),
    path("fulfilment/shipments/<int:shipment_id>/pick/", parcels.pick, name="fulfilment_pick"),
    path("fulfilment/shipments/<int:shipment_id>/scan/", parcels.scan, name="fulfilment_scan"),
    path("fulfilment/shipments/<int:shipment_id>/ship/", parcels.ship, name="fulfilment_ship"),
    path(
        "fulfilment/shipments/<int:shipment_id>/cancel/", parcels.cancel, name="fulfilment_cancel"
    ),
    path(
        "fulfilment/shipments/<int:shipment_id>/label.pdf",
        parcels.label_pdf,
        name="fulfilment_label",
    ),
]
