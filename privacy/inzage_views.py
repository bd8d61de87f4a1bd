"""The functional administrator's inzage screen (AVG art. 15): a search by BSN or address, the result with its
summary, and the report as JSON and PDF.

The BSN or address is posted, never put in an address; the request is kept in the session so the two
downloads (GET, each behind a recent sign-in: ``REAUTH_URL_NAMES``) make the report of the search shown.
Every search and every download is one audit event with the persons' keyed hashes (purpose: beheer).
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import is_functional_admin
from audit.recording import record
from audit.vocab import Action, Purpose
from vroegsignalering.common.forms import error_summary

from .inzage import InzageVraag, inzage_bsns, inzage_rapport
from .inzage_forms import InzageForm
from .inzage_pdf import inzage_bestandsnaam, inzage_json, inzage_pdf, leesbaar

SESSION_KEY = "privacy_inzage_vraag"


def _require_admin(request) -> None:
    if not is_functional_admin(request.user):
        raise PermissionDenied("Alleen een functioneel beheerder kan een inzagerapport maken.")


def _record(request, action: str, vraag: InzageVraag, rapport: dict) -> None:
    record(request, action, object_type="persoon", persons=inzage_bsns(rapport), purpose=Purpose.BEHEER,
           municipality_id=vraag.gemeente_id, count=len(rapport["signalen"]),
           search=vraag.adres_tekst if vraag.op_adres else "")


@login_required
@require_http_methods(["GET", "POST"])
def inzage(request):
    _require_admin(request)
    form = InzageForm(request.POST or None, user=request.user)
    context = {"form": form, "errors": [], "rapport": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            vraag = form.vraag()
            rapport = inzage_rapport(request.user, vraag)
            if rapport is None:  # the municipality was checked by the form; a role changed meanwhile
                raise PermissionDenied("U beheert deze gemeente niet.")
            _record(request, Action.SEARCH, vraag, rapport)
            request.session[SESSION_KEY] = vraag.as_dict()
            context.update(rapport=leesbaar(rapport), vraag=vraag)
        else:
            context["errors"] = error_summary(form)
            status = 400
    return render(request, "privacy/inzage.html", context, status=status)


def _download(request, action: str, make):
    _require_admin(request)
    vraag = InzageVraag.from_dict(request.session.get(SESSION_KEY) or {})
    rapport = inzage_rapport(request.user, vraag) if vraag else None
    if rapport is None:
        messages.info(request, "Zoek eerst de inwoner op; daarna kunt u het rapport downloaden.")
        return redirect("privacy:inzage")
    _record(request, action, vraag, rapport)
    body, content_type, extension = make(rapport)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=inzage_bestandsnaam(rapport, extension))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def inzage_download_json(request):
    return _download(request, Action.EXPORT,
                     lambda rapport: (inzage_json(rapport), "application/json; charset=utf-8", "json"))


@login_required
@require_GET
def inzage_download_pdf(request):
    return _download(request, Action.EXPORT, lambda rapport: (inzage_pdf(rapport), "application/pdf", "pdf"))
