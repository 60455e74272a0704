import json

from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from orchestre.ops.demo_accounts import ensure_demo_accounts
from orchestre.team.roles import ROLES


def test_one_account_per_role_that_can_sign_in(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path

    accounts = ensure_demo_accounts()

    assert [account.username for account in accounts] == [role.code for role in ROLES]
    for account in accounts:
        user = authenticate(
            RequestFactory().post("/console/sign-in/"),
            username=account.username,
            password=account.password,
        )
        assert user is not None
        assert user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [account.username]
    assert oct((tmp_path / "demo-accounts.json").stat().st_mode & 0o777) == "0o600"


def test_second_run_keeps_passwords_and_creates_nothing(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first = ensure_demo_accounts()

    second = ensure_demo_accounts()

    assert second == first
    assert get_user_model().objects.count() == len(ROLES)
    stored = json.loads((tmp_path / "demo-accounts.json").read_text())
    assert stored == {account.username: account.password for account in first}
