"""Support pages of the storefront: contact form, a ticket's thread by its token, the
signed-in customer's tickets, and the satisfaction survey by its token."""

from django.urls import path

from orchestre.storefront import support_views

urlpatterns = [
    path("support/contact/", support_views.contact, name="support_contact"),
    path("support/ticket/<str:token>/", support_views.ticket, name="support_ticket"),
    path("support/tickets/", support_views.my_tickets, name="support_tickets"),
    path("support/tickets/<str:number>/", support_views.my_ticket, name="support_my_ticket"),
    path("support/survey/<str:token>/", support_views.survey, name="support_survey"),
]
