"""Order pages of the storefront, reachable by the order's unguessable access token."""

from django.urls import path

from orchestre.storefront import order_views

urlpatterns = [
    path("order/<str:token>/", order_views.order, name="order"),
    path("order/<str:token>/invoice/", order_views.invoice, name="invoice"),
    path("order/<str:token>/invoice.pdf", order_views.invoice_pdf, name="invoice_pdf"),
]
