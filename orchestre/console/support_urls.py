"""Console: customer service (tickets, canned replies, customers, goodwill)."""

from django.urls import path

from orchestre.console import support_canned_views as canned
from orchestre.console import support_customer_views as customers
from orchestre.console import support_views as tickets

urlpatterns = [
    path("tickets/", tickets.tickets, name="tickets"),
    path("tickets/new/", tickets.new_ticket, name="ticket_new"),
    path("tickets/<str:number>/", tickets.ticket, name="ticket"),
    path("tickets/<str:number>/reply/", tickets.reply, name="ticket_reply"),
    path("tickets/<str:number>/note/", tickets.note, name="ticket_note"),
    path("tickets/<str:number>/assign/", tickets.assign, name="ticket_assign"),
    path("tickets/<str:number>/status/", tickets.status, name="ticket_status"),
    path("tickets/<str:number>/priority/", tickets.priority, name="ticket_priority"),
    path("support/canned-replies/", canned.canned_replies, name="canned_replies"),
    path("support/canned-replies/<int:canned_reply_id>/", canned.canned_reply, name="canned_reply"),
    path("customers/", customers.customers, name="customers"),
    path("customers/<int:customer_id>/", customers.customer, name="customer"),
    path("support/orders/<str:number>/goodwill/", customers.goodwill, name="goodwill"),
    path(
        "support/orders/<str:number>/goodwill/refund/",
        customers.goodwill_refund,
        name="goodwill_refund",
    ),
    path(
        "support/orders/<str:number>/goodwill/resend/",
        customers.goodwill_resend,
        name="goodwill_resend",
    ),
]
