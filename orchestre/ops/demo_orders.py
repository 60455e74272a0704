"""A few web orders for the demo, bought through the real checkout and the sandbox card
processor, so the warehouse, customer service and returns have work on the first start.
The buyers are fictitious."""

import uuid

from django.db.models import F, Sum

from orchestre.cart import services as cart_services
from orchestre.catalog.models import Product
from orchestre.checkout.services import complete_checkout, update_details
from orchestre.orders.models import Order

BUYERS = (
    ("Camille", "Durand", "8 rue des Lilas", "69003", "Lyon", "colissimo-home"),
    ("Hugo", "Lefèvre", "21 avenue Jean Jaurès", "31000", "Toulouse", "mondial-relay"),
    ("Léa", "Moreau", "4 place du Marché", "44000", "Nantes", "colissimo-home"),
    ("Nathan", "Girard", "17 rue Sainte-Catherine", "33000", "Bordeaux", "chronopost-express"),
    ("Inès", "Faure", "2 quai des Chartrons", "33000", "Bordeaux", "colissimo-home"),
    ("Louis", "Roux", "9 rue de la République", "13001", "Marseille", "colissimo-home"),
)
LINES_PER_ORDER = (1, 2, 3, 2, 1, 2)


def seed_demo_orders() -> str:
    """Place and pay one order per demo buyer, once (nothing if the shop has web orders)."""
    if Order.objects.filter(source=Order.Source.WEB).exists():
        return "Web orders already present."
    products = list(
        Product.objects.filter(is_active=True, price__isnull=False)
        .annotate(available=Sum(F("stock_levels__quantity") - F("stock_levels__reserved")))
        .filter(available__gte=10)
        .order_by("-units_sold")[:20]
    )
    if not products:
        return "No products in stock for demo orders."
    placed = []
    for index, (first, last, line1, postcode, city, method) in enumerate(BUYERS):
        cart = cart_services.create_cart(language="fr")
        for offset in range(LINES_PER_ORDER[index]):
            product = products[(index * 3 + offset) % len(products)]
            cart_services.add_line(cart_id=cart.pk, sku=product.sku, quantity=1 + offset)
        address = {
            "first_name": first,
            "last_name": last,
            "line1": line1,
            "postcode": postcode,
            "city": city,
            "country": "FR",
        }
        update_details(
            cart_id=cart.pk,
            email=f"demo-buyer-{index + 1}@demo-client.example",
            shipping_address=address,
            billing_address=None,
            delivery_method=method,
        )
        outcome = complete_checkout(
            cart_id=cart.pk,
            idempotency_key=f"demo-order-{uuid.uuid4().hex}",
            payment_provider="sandbox",
            payment_token="tok_success",
            accept_terms=True,
        )
        placed.append(outcome.order.number)
    return f"{len(placed)} web orders placed and paid: {', '.join(placed)}."
