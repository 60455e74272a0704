"""Console, customer service: the canned replies staff insert into their answers."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orchestre.console.access import staff_view
from orchestre.console.support_forms import CannedReplyForm, show_domain_error
from orchestre.core.errors import DomainError
from orchestre.support.selectors import list_canned_replies
from orchestre.support.services import save_canned_reply
from orchestre.team.permissions import Action


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Action.MANAGE_TICKETS)
def canned_replies(request: HttpRequest) -> HttpResponse:
    """The list, and the form that adds one."""
    form = CannedReplyForm(request.POST or None)
    if request.method == "POST":
        saved = _save(request, form, canned_reply_id=None)
        if saved:
            return redirect("console:canned_replies")
    return render(
        request,
        "console/support/canned_replies.html",
        {"replies": list_canned_replies(), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Action.MANAGE_TICKETS)
def canned_reply(request: HttpRequest, canned_reply_id: int) -> HttpResponse:
    reply = list_canned_replies().filter(pk=canned_reply_id).first()
    if reply is None:
        raise Http404("unknown canned reply")
    if request.method == "POST":
        form = CannedReplyForm(request.POST)
        if _save(request, form, canned_reply_id=reply.pk):
            return redirect("console:canned_replies")
    else:
        form = CannedReplyForm(
            initial={"title": reply.title, "body": reply.body, "is_active": reply.is_active}
        )
    return render(
        request,
        "console/support/canned_reply.html",
        {"reply": reply, "form": form},
        status=400 if form.errors else 200,
    )


def _save(request: HttpRequest, form: CannedReplyForm, *, canned_reply_id: int | None) -> bool:
    if not form.is_valid():
        return False
    try:
        saved = save_canned_reply(
            actor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            is_active=form.cleaned_data["is_active"],
            canned_reply_id=canned_reply_id,
        )
    except DomainError as error:
        show_domain_error(form, error)
        return False
    messages.success(request, _("Canned reply “%(title)s” saved.") % {"title": saved.title})
    return True
