"""The auditor's screen (``/audit``): the trail filtered by person, user and period, paginated, and its CSV
export. A BSN is posted, never put in the address: the screen redirects to the filter with its keyed hash.
Reading the trail is itself recorded (purpose ``controle``)."""
from __future__ import annotations

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import reads_audit_trail
from vroegsignalering.common.forms import error_summary

from .forms import AuditFilterForm, PersonForm
from .recording import record
from .selectors import audit_events_filtered
from .vocab import Action, Purpose

EVENTS_PER_PAGE = 50
CSV_COLUMNS = ["tijdstip", "soort", "gebruiker", "rol", "sleutel", "vastelastenpartner", "gemeente", "handeling",
               "object", "objectId", "objectIds", "aantal", "personen", "zoekterm", "route", "methode", "pad",
               "status", "doel", "requestId"]


def _require_auditor(request) -> None:
    if not reads_audit_trail(request.user):
        raise PermissionDenied("Alleen een auditor kan de audittrail inzien.")


def _filter_query(data, **changes) -> str:
    query = {name: data.get(name, "") for name in ("gebruiker", "van", "tot", "persoon")}
    query.update(changes)
    return urlencode({name: value for name, value in query.items() if value})


@login_required
@require_http_methods(["GET", "POST"])
def events(request):
    _require_auditor(request)
    person_form = PersonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if person_form.is_valid():
            query = _filter_query(request.POST, persoon=person_form.person_hash())
            return redirect(f"{reverse('audit:events')}?{query}")
        status = 400
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(audit_events_filtered(request.user, filters).select_related("municipality"),
                     EVENTS_PER_PAGE).get_page(request.GET.get("pagina"))
    record(request, Action.SEARCH if filters.person_hash else Action.LIST, object_type="auditevent",
           count=page.paginator.count, purpose=Purpose.CONTROLE, search=filters.person_hash)
    return render(request, "audit/events.html", {
        "form": form, "person_form": person_form, "page": page, "filters": filters,
        "query": _filter_query(request.GET),
        "errors": error_summary(person_form) + (error_summary(form) if form.is_bound else []),
    }, status=status)


def _cell(value) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def events_export(request):
    _require_auditor(request)
    filters = AuditFilterForm(request.GET or None).filters()
    limit = settings.AUDIT_EXPORT_MAX_ROWS
    rows = audit_events_filtered(request.user, filters).select_related("municipality")[:limit]
    record(request, Action.EXPORT, object_type="auditevent", count=min(rows.count(), limit),
           purpose=Purpose.CONTROLE, search=filters.person_hash)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)
        for event in rows.iterator(chunk_size=2000):
            yield writer.writerow([_cell(value) for value in (
                timezone.localtime(event.at).isoformat(), event.principal, event.username, event.role,
                event.key_prefix, event.creditor_name, event.municipality.cbs_code if event.municipality else "",
                event.action, event.object_type, event.object_id, " ".join(map(str, event.object_ids)),
                event.count, " ".join(event.persons), event.search_hash, event.route, event.method, event.path,
                event.status, event.purpose, event.request_id)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"audittrail-{timezone.localdate():%Y%m%d}.csv")
    response["Cache-Control"] = "no-store"
    return response
