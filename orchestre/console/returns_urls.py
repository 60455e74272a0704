"""Console: returns pages."""

from django.urls import path

from orchestre.console import returns_action_views as actions
from orchestre.console import returns_views as views

urlpatterns = [
    path("returns/", views.index, name="returns"),
    path("returns/new/", actions.create, name="return_new"),
    path("returns/credit-notes/<str:number>/", views.credit_note, name="return_credit_note"),
    path(
        "returns/credit-notes/<str:number>.pdf",
        views.credit_note_pdf,
        name="return_credit_note_pdf",
    ),
    path("returns/<str:number>/", views.detail, name="return"),
    path("returns/<str:number>/authorise/", actions.authorise, name="return_authorise"),
    path("returns/<str:number>/receive/", actions.receive, name="return_receive"),
    path("returns/<str:number>/inspect/", actions.inspect, name="return_inspect"),
    path("returns/<str:number>/refund/", actions.refund, name="return_refund"),
    path("returns/<str:number>/reject/", actions.reject, name="return_reject"),
]
