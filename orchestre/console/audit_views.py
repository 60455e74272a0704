"""The audit log, browsable and filterable."""

import django_filters
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.core.models import AuditEntry
from orchestre.team.permissions import Action


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="icontains", label=_("By")
    )
    action = django_filters.CharFilter(lookup_expr="istartswith", label=_("Action"))
    target = django_filters.CharFilter(
        field_name="target_label", lookup_expr="icontains", label=_("Object")
    )
    channel = django_filters.ChoiceFilter(choices=AuditEntry.Channel.choices, label=_("Channel"))
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = []

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        since, until = (self.form.cleaned_data.get(key) for key in ("since", "until"))
        if since and until and since > until:
            self.form.add_error("until", _("The end date is before the start date."))
            return False
        return True


SORTS = {"at": "at", "actor": "actor_name", "action": "action"}


@staff_view(Action.VIEW_AUDIT_LOG)
def audit_log(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        AuditEntry.objects.all(),
        sorts=SORTS,
        default_sort="-at",
        filterset_class=AuditFilter,
        per_page=50,
    )
    if wants_csv(request):
        return csv_response(
            "audit-log.csv",
            ["at", "by", "channel", "action", "object type", "object id", "object", "changes"],
            (
                (
                    e.at.isoformat(),
                    e.actor_name,
                    e.channel,
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.target_label,
                    e.changes,
                )
                for e in listing.rows.iterator()
            ),
        )
    return render(request, "console/audit/list.html", {"listing": listing})


RECENT_CHANGES = 8


def home_panel(request: HttpRequest) -> dict:
    """The latest changes made by the team, for IT and the managers."""
    return {"recent_changes": list(AuditEntry.objects.all()[:RECENT_CHANGES])}
