from django.contrib.auth.models import Group
from django.test import Client

from orchestre.core.models import AuditEntry
from orchestre.team.models import ApiToken
from orchestre.team.permissions import ACTIONS
from orchestre.team.tests.factories import staff_member


def _client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_manager_changes_roles_and_the_change_is_audited(db):
    manager = staff_member("ecommerce-manager")
    clerk = staff_member("customer-service")

    response = _client_for(manager).post(
        f"/en/console/team/{clerk.pk}/",
        {"roles": ["customer-service", "logistics-manager"], "is_active": "on"},
    )

    assert response.status_code == 302
    assert sorted(clerk.groups.values_list("name", flat=True)) == [
        "customer-service",
        "logistics-manager",
    ]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.channel, entry.target_id) == (
        manager,
        "staff.roles_changed",
        "console",
        str(clerk.pk),
    )
    assert entry.changes == {
        "roles": [["customer-service"], ["customer-service", "logistics-manager"]]
    }


def test_unknown_roles_and_self_deactivation_are_refused_and_change_nothing(db):
    manager = staff_member("ecommerce-manager")
    client = _client_for(manager)

    unknown = client.post(
        f"/en/console/team/{manager.pk}/", {"roles": ["admin"], "is_active": "on"}
    )
    self_off = client.post(f"/en/console/team/{manager.pk}/", {"roles": ["ecommerce-manager"]})

    assert unknown.status_code == 400
    assert "Select a valid choice" in unknown.content.decode()
    assert self_off.status_code == 400
    assert "You cannot deactivate your own account." in self_off.content.decode()
    manager.refresh_from_db()
    assert manager.is_active
    assert list(manager.groups.values_list("name", flat=True)) == ["ecommerce-manager"]
    assert not AuditEntry.objects.exists()


def test_roles_cannot_be_changed_without_the_permission(db):
    clerk = staff_member("customer-service")
    response = _client_for(clerk).post(
        f"/en/console/team/{clerk.pk}/", {"roles": ["ecommerce-manager"], "is_active": "on"}
    )
    assert response.status_code == 403
    assert list(clerk.groups.values_list("name", flat=True)) == ["customer-service"]


def test_the_matrix_page_shows_every_action_for_every_role(db):
    response = _client_for(staff_member("content-editor")).get("/en/console/team/permissions/")
    page = response.content.decode()
    assert response.status_code == 200
    for action in ACTIONS:
        assert str(action.label) in page
    assert page.count('<span class="visually-hidden">allowed</span>') == sum(
        group.permissions.count() for group in Group.objects.all()
    )


def test_a_token_secret_is_shown_once_and_revoking_needs_post(db):
    developer = staff_member("developer-tester")
    client = _client_for(developer)

    issued = client.post("/en/console/team/api-tokens/", {"name": "ERP", "user": developer.pk})
    token = ApiToken.objects.get()
    listing = client.get("/en/console/team/api-tokens/")
    get_revoke = client.get(f"/en/console/team/api-tokens/{token.pk}/revoke/")
    revoked = client.post(f"/en/console/team/api-tokens/{token.pk}/revoke/")
    missing = client.post("/en/console/team/api-tokens/999999/revoke/")

    assert issued.status_code == 200
    assert "Copy it now" in issued.content.decode()
    assert token.prefix in issued.content.decode()
    assert "Copy it now" not in listing.content.decode()
    assert get_revoke.status_code == 405
    assert revoked.status_code == 302
    assert missing.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_nameless_token_is_refused(db):
    developer = staff_member("developer-tester")
    response = _client_for(developer).post(
        "/en/console/team/api-tokens/", {"name": "", "user": developer.pk}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_audit_log_filters_and_exports(db):
    manager = staff_member("ecommerce-manager")
    clerk = staff_member("customer-service")
    client = _client_for(manager)
    client.post(
        f"/en/console/team/{clerk.pk}/", {"roles": ["logistics-manager"], "is_active": "on"}
    )
    client.post("/en/console/team/api-tokens/", {"name": "x", "user": manager.pk})

    filtered = client.get("/en/console/audit-log/", {"action": "staff."})
    exported = client.get("/en/console/audit-log/", {"action": "staff.", "format": "csv"})
    backwards = client.get("/en/console/audit-log/", {"since": "2026-02-01", "until": "2026-01-01"})

    assert filtered.status_code == 200
    assert "staff.roles_changed" in filtered.content.decode()
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert len(rows) == 2
    assert "staff.roles_changed" in rows[1]
    assert "The end date is before the start date." in backwards.content.decode()
    assert "No entry matches these filters." in backwards.content.decode()
