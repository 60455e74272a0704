from django.utils import timezone

from orchestre.team.models import ApiToken
from orchestre.team.services import issue_api_token, revoke_api_token
from orchestre.team.tests.factories import staff_member


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_acts_with_its_owners_roles(client, db):
    member = staff_member("logistics-manager")
    token, secret = issue_api_token(actor=member, user=member, name="warehouse scanner")

    response = client.get("/api/v1/staff/me", **_bearer(secret))

    assert response.status_code == 200
    assert response.json() == {
        "username": member.username,
        "roles": ["logistics-manager"],
        "actions": ["fulfil_orders", "manage_returns", "view_orders", "view_stock"],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.key_hash != secret and secret not in token.key_hash


def test_missing_unknown_and_revoked_tokens_are_refused(client, db):
    member = staff_member("developer-tester")
    token, secret = issue_api_token(actor=member, user=member, name="ci")
    revoke_api_token(actor=member, token_id=token.pk)

    for headers in ({}, _bearer("orc_not-a-token"), _bearer(secret)):
        response = client.get("/api/v1/staff/me", **headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_a_token_stops_working_when_its_owner_leaves_the_staff(client, db):
    member = staff_member("developer-tester")
    _token, secret = issue_api_token(actor=member, user=member, name="ci")
    member.is_active = False
    member.save()

    assert client.get("/api/v1/staff/me", **_bearer(secret)).status_code == 401


def test_issuing_and_revoking_are_audited_through_the_channel_in_use(db):
    member = staff_member("developer-tester")
    token, _secret = issue_api_token(actor=member, user=member, name="ci")
    revoke_api_token(actor=member, token_id=token.pk)

    entries = list(member.audit_entries.order_by("pk").values_list("action", "channel"))
    assert entries == [("api_token.issued", "system"), ("api_token.revoked", "system")]
    assert ApiToken.objects.get().revoked_at <= timezone.now()
