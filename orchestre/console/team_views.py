"""Team pages: staff members and their roles, the permission matrix, API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orchestre.console.access import staff_view
from orchestre.core.errors import DomainError
from orchestre.team.models import ApiToken
from orchestre.team.permissions import ACTIONS, MATRIX, Action, can
from orchestre.team.roles import ROLES
from orchestre.team.services import issue_api_token, revoke_api_token, set_staff_roles

ROLE_CHOICES = [(role.code, role.label) for role in ROLES]


def _staff():
    return get_user_model().objects.filter(is_staff=True).prefetch_related("groups")


@staff_view(None)
def team(request: HttpRequest) -> HttpResponse:
    labels = dict(ROLE_CHOICES)
    members = [
        {"user": user, "roles": [labels.get(group.name, group.name) for group in user.groups.all()]}
        for user in _staff().order_by("username")
    ]
    return render(
        request,
        "console/team/list.html",
        {"members": members, "may_manage": can(request.user, Action.MANAGE_TEAM)},
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=gettext_lazy("May sign in"), required=False)


@staff_view(Action.MANAGE_TEAM)
def member(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(_staff(), pk=user_id)
    if request.method == "POST":
        form = RolesForm(request.POST)
        if form.is_valid():
            try:
                set_staff_roles(
                    actor=request.user,
                    user_id=user.pk,
                    roles=form.cleaned_data["roles"],
                    is_active=form.cleaned_data["is_active"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The roles of %(name)s are saved.") % {"name": user})
                return redirect("console:team")
        status = 400
    else:
        form = RolesForm(
            initial={
                "roles": [group.name for group in user.groups.all()],
                "is_active": user.is_active,
            }
        )
        status = 200
    return render(
        request, "console/team/member.html", {"member": user, "form": form}, status=status
    )


@staff_view(None)
def permissions(request: HttpRequest) -> HttpResponse:
    rows = [
        {"action": action, "cells": [action.code in MATRIX[role.code] for role in ROLES]}
        for action in ACTIONS
    ]
    return render(request, "console/team/permissions.html", {"roles": ROLES, "rows": rows})


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    user = forms.ModelChoiceField(
        label=gettext_lazy("Acts as"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        )


@staff_view(Action.MANAGE_API_TOKENS)
def api_tokens(request: HttpRequest) -> HttpResponse:
    secret = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _token, secret = issue_api_token(
                    actor=request.user,
                    user=form.cleaned_data["user"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                form = TokenForm(initial={"user": request.user.pk})
        else:
            status = 400
    else:
        form = TokenForm(initial={"user": request.user.pk})
    tokens = ApiToken.objects.select_related("user").order_by("-created_at")[:200]
    return render(
        request,
        "console/team/api_tokens.html",
        {"form": form, "tokens": tokens, "secret": secret},
        status=status,
    )


@require_POST
@staff_view(Action.MANAGE_API_TOKENS)
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = revoke_api_token(
        actor=request.user, token_id=get_object_or_404(ApiToken, pk=token_id).pk
    )
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("console:api_tokens")
