"""The monitor's screen (/monitor/) and its exports: the Divosa figures of one's own municipalities.

For team leads, functional administrators and policy officers (``accounts.permissions.reads_monitor``),
each for their own municipalities only: a municipality of someone else is not a choice (a field error, no
figures). The figures come from the statistics store and describe no resident: not audited
(docs/audit-trail.md, "pages without personal data")."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import permissions
from vroegsignalering.common import dates
from vroegsignalering.common.forms import error_summary

from . import exports
from .dashboard import dashboard_context
from .figures import monitor_figures, monitor_municipalities_for_user
from .formatting import month_code
from .forms import ALL, MonitorForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request) -> MonitorForm:
    if not permissions.reads_monitor(request.user):
        raise PermissionDenied("Alleen een teamleider, functioneel beheerder of beleidsmedewerker ziet de monitor.")
    municipalities = monitor_municipalities_for_user(request.user)
    if not municipalities:
        raise PermissionDenied("U hoort bij geen gemeente; de monitor toont de cijfers van uw eigen gemeenten.")
    return MonitorForm(request.GET, municipalities=municipalities, today=dates.local_date(timezone.now()))


def _invalid(request, form: MonitorForm):
    return render(request, "monitor/dashboard.html", {"form": form, "errors": error_summary(form)}, status=400)


def _figures(form: MonitorForm):
    data = form.cleaned_data
    return monitor_figures(municipalities=form.chosen_municipalities(), first=data["van"], last=data["tot"])


def _file_name(form: MonitorForm, extension: str) -> str:
    data = form.cleaned_data
    return f"monitor-{data['gemeente'] if data['gemeente'] != ALL else 'alle'}-{month_code(data['van'])}-" \
           f"{month_code(data['tot'])}.{extension}"


def _title(form: MonitorForm) -> str:
    names = ", ".join(m.name for m in form.chosen_municipalities())
    data = form.cleaned_data
    return f"Monitor vroegsignalering: {names}, {month_code(data['van'])} tot en met {month_code(data['tot'])}"


@login_required
@require_GET
def dashboard(request):
    form = _form(request)
    if not form.is_valid():
        return _invalid(request, form)
    figures = _figures(form)
    data = form.cleaned_data
    query = urlencode({"gemeente": data["gemeente"], "van": month_code(data["van"]), "tot": month_code(data["tot"])})
    return render(request, "monitor/dashboard.html", {
        "form": form, **dashboard_context(figures), "query": f"?{query}",
        "several": len(figures.municipalities) > 1,
    })


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def export_csv(request):
    form = _form(request)
    if not form.is_valid():
        return _invalid(request, form)
    return _download(exports.csv_bytes(_figures(form)), "text/csv; charset=utf-8", _file_name(form, "csv"))


@login_required
@require_GET
def export_excel(request):
    form = _form(request)
    if not form.is_valid():
        return _invalid(request, form)
    content = exports.excel_bytes(_figures(form), title=_title(form))
    return _download(content, XLSX, _file_name(form, "xlsx"))
