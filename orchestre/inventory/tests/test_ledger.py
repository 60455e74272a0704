import random
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from orchestre.inventory.errors import InsufficientStock
from orchestre.inventory.models import Reservation, StockLevel, StockMovement
from orchestre.inventory.services import (
    allocate_reservations,
    expire_reservations,
    release_reservations,
    reserve_stock,
)
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import ledger_disagreements, reserved_disagreements


def test_movements_and_reservations_keep_agreeing_with_the_stock_levels(lyon, paris):
    """A long, seeded mix of holds, sales, releases and expiries: after every step, each
    level's on-hand units are the sum of its movements and its reserved units the sum of
    its active reservations."""
    products = [
        stocked_product((lyon, 30), (paris, 20)),
        stocked_product((lyon, 10), (paris, 25)),
        stocked_product((lyon, 0), (paris, 12)),
    ]
    steps = random.Random(20261123)
    now = timezone.now()
    references = []
    outcomes = {"reserved": 0, "short": 0, "allocated": 0, "released": 0, "expired": 0}
    for step in range(120):
        action = steps.choice(["reserve", "reserve", "allocate", "release", "expire"])
        if action == "reserve":
            reference = f"cart-{step}"
            quantities = {
                product.pk: steps.randint(1, 4) for product in steps.sample(products, k=2)
            }
            minutes = steps.choice([-1, 15])
            try:
                reserve_stock(
                    reference=reference,
                    quantities=quantities,
                    expires_at=now + timedelta(minutes=minutes),
                )
            except InsufficientStock:
                outcomes["short"] += 1
            else:
                references.append(reference)
                outcomes["reserved"] += 1
        elif action == "allocate" and references:
            reference = steps.choice(references)
            try:
                if allocate_reservations(reference=reference, order_number=f"OR-{reference}"):
                    outcomes["allocated"] += 1
            except InsufficientStock:
                outcomes["short"] += 1
        elif action == "release" and references:
            if release_reservations(reference=steps.choice(references)):
                outcomes["released"] += 1
        elif action == "expire" and expire_reservations(now=now):
            outcomes["expired"] += 1

        assert ledger_disagreements() == [], f"step {step}: {action}"
        assert reserved_disagreements() == [], f"step {step}: {action}"

    # Every kind of step happened at least once.
    assert all(outcomes.values()), outcomes
    sold = StockMovement.objects.filter(kind=StockMovement.Kind.SALE).aggregate(
        total=Sum("quantity")
    )["total"]
    allocated = Reservation.objects.filter(status=Reservation.Status.ALLOCATED).aggregate(
        total=Sum("quantity")
    )["total"]
    assert -sold == allocated
    assert StockLevel.objects.filter(quantity__lt=0).count() == 0
