"""The team lead's call list for an external call centre (``/team/bellijst``): the open phone tasks of plan
steps marked external, as CSV or Excel, and the import of the call centre's results.

Every export is one audit event (``export``, the cases and the persons' keyed hashes); every import one
``create`` event with the cases it touched. Only team leads get in; the rows are their municipalities'.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_team_lead
from audit.recording import Action, audited, record
from audit.vocab import Purpose
from cases.models import Case
from vroegsignalering.common.dates import local_date
from vroegsignalering.common.errors import CsvFileError
from vroegsignalering.common.forms import error_summary

from . import call_list as files
from .forms import CallListForm, ResultsImportForm
from .results_import import call_results_import
from .selectors import call_list

TEMPLATE = "kcc/call_list.html"
SHOWN = 200  # rows shown on the screen (the files hold all)


def _require_team_lead(request) -> None:
    if not is_team_lead(request.user):
        raise PermissionDenied("Alleen een teamleider kan de bellijst gebruiken.")


def _day(request):
    form = CallListForm(request.GET or None)
    today = local_date(timezone.now())
    day = form.day(today) if form.is_bound and form.is_valid() else today
    return form, day


@login_required
@require_GET
def call_list_screen(request):
    _require_team_lead(request)
    form, day = _day(request)
    rows = call_list(request.user, on=day)
    if rows:
        record(request, Action.LIST, objects=[_case_ref(row) for row in rows[:SHOWN]], object_type="case",
               count=len(rows), purpose=Purpose.KLANTCONTACT)
    return render(request, TEMPLATE, {"form": form, "day": day, "rows": rows[:SHOWN], "total": len(rows),
                                      "import_form": ResultsImportForm(), "errors": error_summary(form),
                                      "results": None}, status=400 if form.errors else 200)


def _case_ref(row) -> Case:
    """An unsaved stand-in carrying the id and municipality the audit event needs (no query)."""
    return Case(pk=row.case_id, municipality_id=row.municipality_id)


def _export(request, make, extension: str, content_type: str):
    _require_team_lead(request)
    _form, day = _day(request)
    rows = call_list(request.user, on=day)
    record(request, Action.EXPORT, objects=[_case_ref(row) for row in rows], object_type="case",
           persons=[bsn for row in rows for bsn in row.persons], count=len(rows), purpose=Purpose.KLANTCONTACT,
           municipality_id=None if rows else request.user.municipalities.values_list("pk", flat=True).first())
    response = HttpResponse(make(rows, day), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"bellijst-{day.isoformat()}.{extension}")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def call_list_export_csv(request):
    return _export(request, lambda rows, day: files.csv_bytes(rows), "csv", "text/csv; charset=utf-8")


@login_required
@require_GET
def call_list_export_excel(request):
    return _export(request, lambda rows, day: files.excel_bytes(rows, title=f"Bellijst tot en met {day:%d-%m-%Y}"),
                   "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@audited(Purpose.KLANTCONTACT, object_type="case", write=Action.CREATE)
@login_required
@require_POST
def results_import(request):
    _require_team_lead(request)
    form = ResultsImportForm(request.POST, request.FILES)
    results, status = None, 200
    if form.is_valid():
        upload = form.cleaned_data["bestand"]
        try:
            results = call_results_import(request.user, upload.read(), upload.name)
        except CsvFileError as exc:
            form.add_error("bestand", exc.messages)
    if form.errors:
        status = 400
    else:
        touched = {row.case_id for row in results if row.case_id}
        cases = list(Case.objects.filter(pk__in=touched).only("pk", "municipality_id"))
        record(request, Action.CREATE, objects=cases, object_type="case", purpose=Purpose.KLANTCONTACT,
               municipality_id=None if cases else request.user.municipalities.values_list("pk", flat=True).first())
    day = local_date(timezone.now())
    rows = call_list(request.user, on=day)
    summary = None
    if results is not None:
        summary = {label.replace(" ", "_"): sum(1 for row in results if row.status == label)
                   for label in ("geregistreerd", "al verwerkt", "fout")}
    return render(request, TEMPLATE, {"form": CallListForm(), "day": day, "rows": rows[:SHOWN], "total": len(rows),
                                      "import_form": form, "errors": error_summary(form), "results": results,
                                      "summary": summary}, status=status)
