"""The console's one gate: staff only, two-factor verified when enrolled, and the view's
action allowed by the permission matrix. Refusals change nothing."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_otp import user_has_device

from orchestre.core.audit import set_channel
from orchestre.core.errors import NotFound
from orchestre.core.models import AuditEntry
from orchestre.team.permissions import ACTIONS, can


def staff_view(action: str | None) -> Callable:
    """Decorate a console view; `action` is the matrix action it needs (None: any staff)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            refusal = _refusal(request, action)
            if refusal is not None:
                return refusal
            # Inactivity expiry: every console request pushes the end of the session back.
            request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
            set_channel(AuditEntry.Channel.CONSOLE)
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from error

        gated.console_action = action
        return gated

    return decorator


def _refusal(request: HttpRequest, action: str | None) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("console:sign_in"))
    if not (user.is_active and user.is_staff):
        return render(request, "console/forbidden.html", {"staff_only": True}, status=403)
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect_to_login(request.get_full_path(), reverse("console:verify_otp"))
    if action is not None and not can(user, action):
        label = next((info.label for info in ACTIONS if info.code == action), action)
        return render(request, "console/forbidden.html", {"action_label": label}, status=403)
    return None
