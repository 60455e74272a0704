"""Generated, clearly fictitious identities for imported customers.

The source has customer numbers only. Each customer gets a French first and last name
from Faker (locale fr_FR) seeded with the customer number, so the same number always
gets the same name, run after run and machine after machine (Faker is pinned in
pyproject.toml). The e-mail address is on example.com, a domain reserved for examples
(RFC 2606) that never delivers mail, and carries the customer number so it is unique:
``prenom.nom.17850@example.com``. Customers are marked ``is_fictitious``.
"""

import re
import unicodedata
from dataclasses import dataclass

from faker import Faker

EMAIL_DOMAIN = "example.com"
_faker = Faker("fr_FR")
_NOT_LOCAL_PART = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Identity:
    first_name: str
    last_name: str
    email: str


def fictitious_identity(source_ref: str) -> Identity:
    """The generated identity of a source customer number (digits)."""
    _faker.seed_instance(int(source_ref))
    first_name = _faker.first_name()
    last_name = _faker.last_name()
    local_part = f"{_ascii_word(first_name)}.{_ascii_word(last_name)}.{source_ref}"
    return Identity(first_name, last_name, f"{local_part}@{EMAIL_DOMAIN}")


def _ascii_word(name: str) -> str:
    """'Hélène' -> 'helene', 'Le Gall' -> 'legall': letters a-z only."""
    decomposed = unicodedata.normalize("NFKD", name)
    return _NOT_LOCAL_PART.sub("", decomposed.encode("ascii", "ignore").decode().lower())
