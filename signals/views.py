"""Web pages of the intake: the CSV import of signals."""
import csv
import io
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from audit.recording import Action, audited
from audit.vocab import Purpose

from .csv_columns import COLUMN_HELP, COLUMNS, EXAMPLE_ROWS
from .csv_format import CsvFileError
from .csv_selectors import (
    FINISHED_STATES,
    RECENT_IMPORTS,
    CsvImportResults,
    csv_import_get_for_user,
    csv_import_list_for_user,
)
from .csv_services import csv_import_create
from .forms import CsvImportForm
from .models import CsvImport

RESULTS_PER_PAGE = 100
STATUS_LABELS = {"ontvangen": "Ontvangen", "al_ontvangen": "Al ontvangen", "geweigerd": "Geweigerd"}


def _require_import_role(user) -> None:
    if not permissions.can_import_signals(user):
        raise PermissionDenied("U mag geen signalen importeren.")


def _get_import(request, import_id, *, with_results: bool = False) -> CsvImport:
    _require_import_role(request.user)
    csv_import = csv_import_get_for_user(user=request.user, import_id=import_id, with_results=with_results)
    if csv_import is None:
        raise Http404("Deze import bestaat niet.")
    return csv_import


class _UploadSizeLimit(FileUploadHandler):
    """Drops an uploaded file the moment it passes the import's limit, so that it is never stored.

    First in the chain: a 2 GB upload neither fills the temporary directory nor memory; the form
    then says the file is too large.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.CSV_IMPORT_MAX_BYTES:
            self.request.csv_upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@audited(Purpose.AANLEVERING, object_type="csvimport")
@csrf_exempt  # the upload handler must be in place before anything reads the body; checked below
@login_required
@require_http_methods(["GET", "POST"])
def csv_import_upload(request):
    request.upload_handlers.insert(0, _UploadSizeLimit(request))
    return _csv_import_upload(request)


@csrf_protect
def _csv_import_upload(request):
    _require_import_role(request.user)
    if request.method == "POST":
        form = CsvImportForm(request.POST, request.FILES, user=request.user,
                             upload_too_large=getattr(request, "csv_upload_too_large", False))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                csv_import = csv_import_create(
                    creditor=form.chosen_creditor(),
                    uploaded_by=request.user,
                    file_name=PurePath(upload.name).name,
                    content=upload.read(),
                    max_open=settings.CSV_IMPORT_MAX_OPEN,
                )
            except CsvFileError as exc:
                form.add_error("file", exc.messages)
            else:
                return redirect("csv_import_detail", import_id=csv_import.pk)
    else:
        form = CsvImportForm(user=request.user)
    imports = csv_import_list_for_user(user=request.user)[:RECENT_IMPORTS]
    return render(request, "signals/csv_import.html", {
        "form": form,
        "imports": imports,
        "show_creditor": permissions.is_functional_admin(request.user),
        "columns": [{"name": n, "required": r, "description": d} for n, r, d in COLUMN_HELP],
    })


def _progress(csv_import: CsvImport) -> dict:
    finished = csv_import.state in FINISHED_STATES
    return {
        "id": str(csv_import.pk),
        "stand": csv_import.state,
        "standLabel": csv_import.get_state_display(),
        "klaar": finished,
        "regelsTotaal": csv_import.rows_total,
        "regelsVerwerkt": csv_import.rows_done,
        "procent": csv_import.rows_done * 100 // csv_import.rows_total if csv_import.rows_total else 0,
        "aantalOntvangen": csv_import.count_received,
        "aantalAlOntvangen": csv_import.count_already_received,
        "aantalGeweigerd": csv_import.count_refused,
    }


@audited(Purpose.AANLEVERING, object_type="csvimport", read=Action.VIEW)
@login_required
@require_GET
def csv_import_detail(request, import_id):
    csv_import = _get_import(request, import_id)  # without the results: one page of them is read below
    progress = _progress(csv_import)
    page = None
    if progress["klaar"] and csv_import.rows_done:
        page = Paginator(CsvImportResults(csv_import), RESULTS_PER_PAGE).get_page(request.GET.get("pagina"))
        page.object_list = [{**result, "status_label": STATUS_LABELS.get(result["status"], result["status"])}
                            for result in page.object_list]
    return render(request, "signals/csv_import_detail.html", {
        "csv_import": csv_import,
        "progress": progress,
        "page": page,
    })


@login_required
@require_GET
def csv_import_status(request, import_id):
    csv_import = _get_import(request, import_id)
    response = JsonResponse(_progress(csv_import))
    response["Cache-Control"] = "no-store"
    return response


def _csv_response(file_name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    return response


def _safe_cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@audited(Purpose.AANLEVERING, object_type="csvimport", read=Action.EXPORT)
@login_required
@require_GET
def csv_import_results_csv(request, import_id):
    csv_import = _get_import(request, import_id, with_results=True)
    stem = PurePath(csv_import.file_name).stem or "import"
    response = _csv_response(f"resultaten-{stem}.csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["regel", "signaalId", "status", "fouten", "waarschuwingen"])
    for result in csv_import.results:
        errors = " | ".join(f"{error['naam']}: {error['reden']}" for error in result.get("fouten", []))
        warnings = " | ".join(f"{item['naam']}: {item['reden']}" for item in result.get("waarschuwingen", []))
        writer.writerow([result["regel"], _safe_cell(result["signaalId"] or ""), result["status"], _safe_cell(errors),
                         _safe_cell(warnings)])
    response.write(buffer.getvalue())
    return response


@login_required
@require_GET
def csv_import_example(request):
    response = _csv_response("voorbeeld-signalen.csv")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for example in EXAMPLE_ROWS:
        writer.writerow([example.get(column, "") for column in COLUMNS])
    return response
