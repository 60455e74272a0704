from django.db import models

from orchestre.cart.models import Cart


class CheckoutAttempt(models.Model):
    """One `complete` request, keyed by the client's Idempotency-Key: the same key always
    leads to the same order (or the same error), never to a second order or charge."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    cart = models.ForeignKey(Cart, related_name="checkout_attempts", on_delete=models.CASCADE)
    order_number = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.idempotency_key
