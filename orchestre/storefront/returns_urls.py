"""Returns pages of the storefront: withdrawal from an order, a return's page and its
credit note, all under the order's unguessable access token."""

from django.urls import path

from orchestre.storefront import returns_views

urlpatterns = [
    path("order/<str:token>/withdraw/", returns_views.withdraw, name="withdraw"),
    path("order/<str:token>/returns/<str:number>/", returns_views.return_page, name="return"),
    path(
        "order/<str:token>/credit-notes/<str:number>/",
        returns_views.credit_note,
        name="credit_note",
    ),
    path(
        "order/<str:token>/credit-notes/<str:number>.pdf",
        returns_views.credit_note_pdf,
        name="credit_note_pdf",
    ),
]
