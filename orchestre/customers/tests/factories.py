import factory
from django.utils import timezone

from orchestre.customers.models import Address, Customer
from orchestre.users.models import User

PASSWORD = "a long enough password 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"buyer{number}@example.fr")
    email = factory.SelfAttribute("username")
    first_name = "Marie"
    last_name = "Curie"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(user, create, extracted, **kwargs):
        if create:
            user.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    user = factory.SubFactory(UserFactory)
    first_name = factory.SelfAttribute("user.first_name")
    last_name = factory.SelfAttribute("user.last_name")
    email = factory.SelfAttribute("user.email")
    country = "FR"
    created_at = factory.LazyFunction(timezone.now)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    first_name = "Marie"
    last_name = "Curie"
    line1 = "12 rue de la Paix"
    postcode = "75002"
    city = "Paris"
    country = "FR"


def address_fields(**overrides) -> dict:
    """A validated address, as `shipping.addresses.validate_address` returns it."""
    return {
        "first_name": "Marie",
        "last_name": "Curie",
        "company": "",
        "line1": "12 rue de la Paix",
        "line2": "",
        "postcode": "75002",
        "city": "Paris",
        "country": "FR",
        "phone": "",
        **overrides,
    }
