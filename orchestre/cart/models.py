import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Product


class Cart(models.Model):
    """A shopper's cart, a guest's (kept by a signed cookie) or an account's.

    The primary key is a random UUID: it is the cart's public id (API, cookie), so knowing
    one cart's id tells nothing about another's. An account has at most one cart that is not
    completed (database constraint), so two sign-ins at once cannot give it two."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CHECKING_OUT = "checking_out", _("Being ordered")
        COMPLETED = "completed", _("Ordered")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="carts",
        on_delete=models.CASCADE,
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    language = models.CharField(max_length=8, default="fr")
    email = models.EmailField(_("e-mail"), blank=True)
    shipping_address = models.JSONField(null=True, blank=True)
    billing_address = models.JSONField(null=True, blank=True)
    delivery_method_code = models.CharField(max_length=40, blank=True)
    order_number = models.CharField(
        max_length=20, blank=True, help_text=_("Set when the cart became an order.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["open", "checking_out"]),
                name="one_active_cart_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "checking_out", "completed"]),
                name="cart_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def expires_at(self):
        return self.updated_at + timedelta(days=settings.CART_LIFETIME_DAYS)

    @property
    def is_expired(self) -> bool:
        """Untouched for longer than CART_LIFETIME_DAYS (a completed cart never expires)."""
        return self.status != self.Status.COMPLETED and self.expires_at <= timezone.now()


class CartLine(models.Model):
    """One product in a cart: a product appears once, its quantity grows (constraint)."""

    cart = models.ForeignKey(Cart, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, related_name="cart_lines", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_unique_product"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="cart_line_quantity_positive"
            ),
        ]
