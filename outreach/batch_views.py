"""Print batches on screen: the list (with the letters waiting per municipality), starting one, its progress
(polled like the CSV import), the merged PDF (names and addresses: audited) and the handover to the mail room.
The functional administrator does all of it; a team lead may look."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_functional_admin
from audit.recording import audited
from audit.vocab import Action, Purpose
from vroegsignalering.common import dates
from vroegsignalering.common.forms import error_summary

from .letter_forms import HandoverForm, MunicipalityForm
from .letter_selectors import (
    admin_municipalities,
    batch_get_for_user,
    batches_for_user,
    letters_not_registered,
    letters_waiting_per_municipality,
    reads_print_batches,
)
from .models import BATCH_DONE_STATES, PrintBatch, PrintBatchState
from .print_batches import PrintBatchError, print_batch_start
from .print_handover import print_batch_hand_over

RECENT_BATCHES = 50


def _require_reader(user) -> None:
    if not reads_print_batches(user):
        raise PermissionDenied("U mag de printbatches niet bekijken.")


def _require_admin(user) -> None:
    if not is_functional_admin(user):
        raise PermissionDenied("Alleen een functioneel beheerder kan printbatches maken en afgeven.")


def _batch(request, batch_id: int, *, with_pdf: bool = False) -> PrintBatch:
    _require_reader(request.user)
    batch = batch_get_for_user(request.user, batch_id, with_pdf=with_pdf)
    if batch is None:
        raise Http404("Deze printbatch bestaat niet.")
    return batch


def progress(batch: PrintBatch) -> dict:
    """The status JSON; the keys the CSV import's poller (site.js) reads, plus the batch's own."""
    return {
        "id": batch.pk, "stand": batch.state, "standLabel": batch.get_state_display(),
        "klaar": batch.state in BATCH_DONE_STATES, "regelsTotaal": batch.letters_total,
        "regelsVerwerkt": batch.letters_done, "procent": batch.percent,
        "brievenGeregistreerd": batch.letters_registered,
    }


@audited(Purpose.BEHEER, object_type="printbatch", read=Action.LIST)
@login_required
@require_GET
def batches(request):
    _require_reader(request.user)
    return render(request, "outreach/batches.html", {
        "batches": batches_for_user(request.user)[:RECENT_BATCHES],
        "waiting": letters_waiting_per_municipality(request.user),
        "can_make": is_functional_admin(request.user),
    })


@audited(Purpose.BEHEER, object_type="printbatch", write=Action.CREATE)
@login_required
@require_POST
def batch_start(request):
    _require_admin(request.user)
    form = MunicipalityForm(request.POST, municipalities=admin_municipalities(request.user))
    if not form.is_valid():
        raise Http404("Deze gemeente beheert u niet.")
    try:
        batch = print_batch_start(municipality=form.cleaned_data["gemeente"], by=request.user, now=timezone.now())
    except PrintBatchError as exc:
        messages.info(request, " ".join(exc.messages))
        return redirect("outreach:batches")
    return redirect("outreach:batch_detail", batch_id=batch.pk)


def _detail(request, batch: PrintBatch, form: HandoverForm | None = None, *, status: int = 200):
    form = form or HandoverForm(initial={"datum": dates.local_date(timezone.now())})
    return render(request, "outreach/batch_detail.html", {
        "batch": batch, "progress": progress(batch), "form": form,
        "errors": error_summary(form) if form.is_bound else [], "can_make": is_functional_admin(request.user),
        "has_pdf": batch.state in (PrintBatchState.KLAAR, PrintBatchState.AFGEGEVEN) and batch.pdf_size
        and batch.pdf_deleted_at is None,
        "not_registered": letters_not_registered(batch) if batch.state == PrintBatchState.AFGEGEVEN else [],
    }, status=status)


@audited(Purpose.BEHEER, object_type="printbatch", read=Action.VIEW)
@login_required
@require_GET
def batch_detail(request, batch_id: int):
    return _detail(request, _batch(request, batch_id))


@login_required
@require_GET
def batch_status(request, batch_id: int):
    response = JsonResponse(progress(_batch(request, batch_id)))
    response["Cache-Control"] = "no-store"
    return response


@audited(Purpose.BEHEER, object_type="printbatch", read=Action.EXPORT)
@login_required
@require_GET
def batch_pdf(request, batch_id: int):
    """The merged PDF for the mail room: every letter's name and address, so only for the administrator, and
    recorded in the audit trail as an export."""
    _require_admin(request.user)
    batch = _batch(request, batch_id, with_pdf=True)
    pdf = bytes(batch.pdf or b"")
    if batch.state not in (PrintBatchState.KLAAR, PrintBatchState.AFGEGEVEN) or not pdf:
        raise Http404("Deze printbatch heeft (nog of niet meer) geen PDF.")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"printbatch-{batch.municipality.cbs_code}-{batch.pk}-{dates.local_date(batch.created_at):%Y%m%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


@audited(Purpose.BEHEER, object_type="printbatch", write=Action.CHANGE)
@login_required
@require_POST
def batch_hand_over(request, batch_id: int):
    _require_admin(request.user)
    batch = _batch(request, batch_id)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            print_batch_hand_over(batch_id=batch.pk, by=request.user, on=form.cleaned_data["datum"],
                                  now=timezone.now())
        except PrintBatchError as exc:
            form.add_error("datum", exc.fields.get("datum") or " ".join(exc.messages))
        else:
            messages.success(request, "Afgegeven aan de postkamer. Elke brief wordt geregistreerd als contactpoging.")
            return redirect("outreach:batch_detail", batch_id=batch.pk)
    return _detail(request, batch, form, status=400)
