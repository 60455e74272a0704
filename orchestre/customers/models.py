from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """A buyer. Imported customers carry their source number and a generated identity."""

    source_ref = models.CharField(max_length=20, unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("e-mail"))
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    is_fictitious = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


# The fields of a postal address, as `shipping.addresses.validate_address` returns them.
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "line1",
    "line2",
    "postcode",
    "city",
    "country",
    "phone",
)


class Address(models.Model):
    """An address of a customer's address book. At most one is the default for delivery
    and one for billing (unique partial constraints); the interfaces validate the fields
    with `shipping.addresses.validate_address` before they reach the services."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    first_name = models.CharField(_("first name"), max_length=60)
    last_name = models.CharField(_("last name"), max_length=60)
    company = models.CharField(_("company"), max_length=80, blank=True)
    line1 = models.CharField(_("street address"), max_length=100)
    line2 = models.CharField(_("address line 2"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    city = models.CharField(_("town or city"), max_length=60)
    country = models.CharField(_("country"), max_length=2)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_default_shipping = models.BooleanField(_("default delivery address"), default=False)
    is_default_billing = models.BooleanField(_("default billing address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default_shipping=True),
                name="customers_address_one_default_shipping",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default_billing=True),
                name="customers_address_one_default_billing",
            ),
            models.CheckConstraint(
                condition=~models.Q(first_name="")
                & ~models.Q(last_name="")
                & ~models.Q(line1="")
                & ~models.Q(city="")
                & ~models.Q(country=""),
                name="customers_address_required_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.line1}, {self.postcode} {self.city}"
