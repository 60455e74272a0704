"""People for tests: staff members in a role, and customers with an account."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from orchestre.customers.models import Customer

_numbers = itertools.count(1)


def staff_member(role: str | None, **fields):
    """An active staff member in `role`'s group (None: staff with no role)."""
    number = next(_numbers)
    username = fields.pop("username", f"{role or 'staff'}-{number}")
    user = get_user_model().objects.create_user(
        username=username,
        email=fields.pop("email", f"{username}@staff.example"),
        password=fields.pop("password", "Staff-pass-2026!"),
        is_staff=True,
        **fields,
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def customer_user(**fields):
    """A customer account (not staff) with its Customer record."""
    number = next(_numbers)
    email = fields.pop("email", f"customer-{number}@example.fr")
    user = get_user_model().objects.create_user(
        username=fields.pop("username", email),
        email=email,
        password=fields.pop("password", "Client-pass-2026!"),
        **fields,
    )
    Customer.objects.create(
        user=user,
        first_name="Claire",
        last_name=f"Martin {number}",
        email=email,
        country="FR",
        created_at=timezone.now(),
    )
    return user
