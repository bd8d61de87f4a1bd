"""The functional administrator's DDAS download (``/monitor/ddas/``): choose a municipality of one's own and a
delivery period, get the v1.2 message as a JSON file.

The message is written to a temporary file first (flat memory, the same stream as the command), then the
audit event with its counts is recorded and the file is streamed back: the counts in the trail are exactly
those of the file, and no byte leaves without its event.
"""
from __future__ import annotations

import io
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import has_role

from .ddas import ddas_export, supplier_code
from .ddas_audit import record_download
from .ddas_forms import DdasExportForm

SPOOL_BYTES = 8 * 1024 * 1024  # kept in memory up to this size, then on disk


def _municipalities(user):
    if not has_role(user, {Role.FUNCTIONEEL_BEHEERDER}):
        raise PermissionDenied("Alleen een functioneel beheerder kan de DDAS-levering maken.")
    return list(user.municipalities.order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def ddas_export_view(request):
    municipalities = _municipalities(request.user)
    form = DdasExportForm(request.POST if request.method == "POST" else None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        municipality = form.municipality
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        summary = ddas_export(text, municipality=municipality, start=form.cleaned_data["van"],
                              end=form.cleaned_data["tot"])
        text.flush()
        text.detach()
        spool.seek(0)
        record_download(request, summary, municipality)
        response = FileResponse(spool, as_attachment=True, filename=summary.filename(),
                                content_type="application/json; charset=utf-8")
        response["X-DDAS-Aantallen"] = ", ".join(summary.lines())
        return response
    status = 400 if form.is_bound else 200
    return render(request, "monitor/ddas_export.html",
                  {"form": form, "municipalities": municipalities, "supplier_code": supplier_code()}, status=status)
