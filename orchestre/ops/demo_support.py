"""Customer-service work for the demo: canned replies and a few tickets of various ages and
statuses from the imported customers and the demo web orders, made through the services
(so they are numbered, threaded, e-mailed to example.com addresses and audited). The
tickets are then dated back, which only demo data may do."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from orchestre.customers.models import Customer
from orchestre.orders.models import Order
from orchestre.support import services
from orchestre.support.models import CannedReply, SatisfactionSurvey, Ticket, TicketMessage

CANNED_REPLIES = (
    (
        "Parcel on its way",
        "Bonjour,\n\nVotre colis est en route : vous trouverez le lien de suivi sur la page de "
        "votre commande. Il devrait arriver d'ici deux jours ouvrés.\n\nBien cordialement,\n"
        "Le service client",
    ),
    (
        "Damaged item",
        "Bonjour,\n\nNous sommes désolés que votre article soit arrivé abîmé. Pourriez-vous nous "
        "envoyer une photo ? Nous vous renvoyons un article neuf ou vous remboursons, au choix."
        "\n\nBien cordialement,\nLe service client",
    ),
    (
        "Withdrawal right",
        "Bonjour,\n\nVous pouvez vous rétracter dans les 14 jours suivant la réception, depuis "
        "la page de votre commande (« Se rétracter »). Nous remboursons aussi la livraison "
        "standard.\n\nBien cordialement,\nLe service client",
    ),
)

# (subject, message, hours ago, status, answered, on an order)
TICKETS = (
    (
        "Colis non reçu",
        "J'ai commandé il y a une semaine et je n'ai pas de nouvelles.",
        2,
        "new",
        False,
        True,
    ),
    ("Article cassé", "Le photophore est arrivé cassé. Que faire ?", 11, "new", False, True),
    ("Emballage cadeau", "Proposez-vous un emballage cadeau ?", 30, "open", True, False),
    ("Facture", "Pouvez-vous m'envoyer une copie de ma facture ?", 50, "waiting", True, True),
    ("Changement d'adresse", "Je me suis trompé d'adresse de livraison.", 90, "open", False, True),
    ("Merci", "Tout est bien arrivé, merci !", 120, "solved", True, False),
    ("Question sur un mug", "Le mug passe-t-il au lave-vaisselle ?", 240, "closed", True, False),
)


def seed_support_demo() -> str:
    """Create the canned replies and the demo tickets, once (nothing when tickets exist)."""
    agent = get_user_model().objects.filter(username="customer-service").first()
    for title, body in CANNED_REPLIES:
        if not CannedReply.objects.filter(title=title).exists():
            services.save_canned_reply(actor=agent, title=title, body=body)
    if Ticket.objects.exists():
        return "Support tickets already present."
    orders = list(Order.objects.filter(source=Order.Source.WEB).order_by("pk")[:5])
    customers = list(
        Customer.objects.filter(is_fictitious=True)
        .annotate(order_count=Count("orders"))
        .filter(order_count__gte=2)
        .order_by("pk")[: len(TICKETS)]
    )
    created = 0
    for index, (subject, body, hours, status, answered, on_order) in enumerate(TICKETS):
        order = orders[index % len(orders)] if on_order and orders else None
        customer = customers[index % len(customers)] if customers else None
        if order is not None:
            ticket = services.open_customer_ticket(
                email=order.email,
                name=_buyer_name(order),
                subject=subject,
                body=body,
                language=order.language,
                order_id=order.pk,
            )
        elif customer is not None:
            ticket = services.open_customer_ticket(
                email=customer.email, name=str(customer), subject=subject, body=body, language="fr"
            )
        else:
            continue
        if agent is not None:
            services.assign_ticket(actor=agent, ticket_id=ticket.pk, assignee_id=agent.pk)
            if answered:
                services.reply_to_ticket(
                    actor=agent,
                    ticket_id=ticket.pk,
                    body="Bonjour,\n\nMerci pour votre message, nous nous en occupons.\n\n"
                    "Le service client",
                    then="waiting" if status == "waiting" else "open",
                )
            if index == 1:
                services.add_internal_note(
                    actor=agent, ticket_id=ticket.pk, body="Proposer un renvoi ou un remboursement."
                )
            if status != "new":  # the same status again changes nothing
                services.change_ticket_status(actor=agent, ticket_id=ticket.pk, status=status)
        _date_back(ticket, hours=hours)
        created += 1
    survey = SatisfactionSurvey.objects.order_by("pk").first()
    if survey is not None:
        services.answer_survey(token=survey.access_token, score=5, comment="Réponse rapide, merci.")
    return f"{created} support tickets and {len(CANNED_REPLIES)} canned replies."


def _buyer_name(order: Order) -> str:
    address = order.billing_address or order.shipping_address or {}
    name = f"{address.get('first_name', '')} {address.get('last_name', '')}".strip()
    return name or "Client"


def _date_back(ticket: Ticket, *, hours: float) -> None:
    """Spread the thread over the ticket's age, keeping its order."""
    opened = timezone.now() - timedelta(hours=hours)
    messages = list(ticket.messages.order_by("created_at", "pk"))
    step = timedelta(hours=hours) / (len(messages) + 1)
    for position, message in enumerate(messages):
        TicketMessage.objects.filter(pk=message.pk).update(created_at=opened + step * position)
    replies = [m for m in messages if m.kind == TicketMessage.Kind.REPLY]
    first_reply = opened + step * messages.index(replies[0]) if replies else None
    last = opened + step * (len(messages) - 1)
    ticket.refresh_from_db(fields=["solved_at"])
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=opened,
        updated_at=last,
        first_response_at=first_reply,
        solved_at=last if ticket.solved_at else None,
    )
