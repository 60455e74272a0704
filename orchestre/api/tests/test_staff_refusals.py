"""Every staff endpoint of the OpenAPI document: no token → 401, a token whose member has
no role → 403; nothing changes either way."""

import json
import re

from django.apps import apps

from orchestre.team.services import issue_api_token
from orchestre.team.tests.factories import staff_member


def _operations(client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    for path, methods in document["paths"].items():
        if path.startswith("/api/v1/staff/") and path != "/api/v1/staff/me":
            for method in methods:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


def _fingerprint():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_staff_endpoints_refuse_missing_tokens_and_members_without_roles(client, db):
    member = staff_member(None)
    _token, secret = issue_api_token(actor=member, user=member, name="no role")
    operations = list(_operations(client))
    before = _fingerprint()

    for method, path in operations:
        call = getattr(client, method)
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        anonymous = call(path, **body)
        roleless = call(path, **body, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert anonymous.status_code == 401, (method, path)
        assert (roleless.status_code, roleless.json()["code"]) == (403, "forbidden"), (method, path)

    assert len(operations) >= 20
    assert _fingerprint() == before
