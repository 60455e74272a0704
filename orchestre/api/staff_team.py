"""Who the token acts as, and what it may do: the first call an integration makes."""

from django.http import HttpRequest
from ninja import Router, Schema

from orchestre.api.staff_auth import staff_token
from orchestre.team.permissions import allowed_actions

router = Router(auth=staff_token, tags=["staff"])


class StaffMeOut(Schema):
    username: str
    roles: list[str]
    actions: list[str]


@router.get("/staff/me", response=StaffMeOut)
def me(request: HttpRequest):
    user = request.auth
    return {
        "username": user.get_username(),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "actions": sorted(allowed_actions(user)),
    }
