"""One demo staff account per team role, passwords generated once and kept in the data
directory (readable by its owner only) so `orchestre demo` can print them on every start."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from orchestre.team.roles import ROLES
from orchestre.team.services import ensure_role_groups

DEMO_EMAIL_DOMAIN = "demo.orchestre.example"
# Fictitious people, so the audit log and assignments read like a real team's.
DEMO_NAMES = {
    "digital-manager": ("Claire", "Fontaine"),
    "ecommerce-manager": ("Julien", "Marchand"),
    "business-analyst": ("Sophie", "Lambert"),
    "marketing-manager": ("Karim", "Benali"),
    "content-editor": ("Emma", "Rousseau"),
    "developer-tester": ("Thomas", "Nguyen"),
    "logistics-manager": ("Lucas", "Petit"),
    "inventory-manager": ("Chloé", "Bernard"),
    "customer-service": ("Manon", "Garnier"),
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-accounts.json"


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the missing demo accounts; existing ones keep their password."""
    ensure_role_groups()
    credentials_file = _credentials_file()
    known = json.loads(credentials_file.read_text()) if credentials_file.exists() else {}
    user_model = get_user_model()
    accounts = []
    for role in ROLES:
        username = role.code
        user = user_model.objects.filter(username=username).first()
        if user is None or username not in known:
            password = secrets.token_urlsafe(12)
            user = user or user_model(username=username, email=f"{username}@{DEMO_EMAIL_DOMAIN}")
            user.is_staff = True
            user.first_name, user.last_name = DEMO_NAMES[role.code]
            user.set_password(password)
            user.save()
            known[username] = password
        user.groups.add(Group.objects.get(name=role.code))
        accounts.append(
            DemoAccount(role=str(role.label), username=username, password=known[username])
        )
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text(json.dumps(known, indent=2))
    credentials_file.chmod(0o600)
    return accounts
