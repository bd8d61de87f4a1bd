"""The call centre's screen (``/kcc/``): search a household by postcode + huisnummer (+ toevoeging) or BSN,
see whether it has an active case, who handles it and how to reach them, and register "inwoner belde".

The search is POSTed (no BSN or address in an address or a log line), limited per user
(``KCC_SEARCH_RATE_LIMIT``) and every search is one audit event, hit or miss, with the term and the BSN only
as keyed hashes. The result names the case only through a signed 15-minute token of this user.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import works_kcc
from audit.recording import Action, audited, record
from audit.vocab import Purpose
from cases.exceptions import CaseActionError
from vroegsignalering.common.forms import error_summary, form_add_refusal
from vroegsignalering.common.ratelimit import hit

from .forms import InboundCallForm, SearchForm
from .selectors import HouseholdStatus, case_for_token, household_result, household_status
from .services import inbound_call_register

TEMPLATE = "kcc/search.html"
TOO_MANY = ("U heeft in korte tijd te vaak gezocht. Probeer het over {seconds} seconden opnieuw; is dit een "
            "vergissing, meld het dan bij uw functioneel beheerder.")


def _require_kcc(request) -> None:
    if not works_kcc(request.user):
        raise PermissionDenied("Alleen een medewerker van het klantcontactcentrum kan dit scherm gebruiken.")


def _record_search(request, form: SearchForm, status: HouseholdStatus) -> None:
    common = {"object_type": "case", "persons": status.audit_persons, "search": form.search_term(),
              "purpose": Purpose.KLANTCONTACT}
    if status.audit_cases:
        record(request, Action.SEARCH, objects=status.audit_cases, **common)
        return
    municipality_ids = list(request.user.municipalities.values_list("pk", flat=True)) or [None]
    for municipality_id in municipality_ids:  # a miss names the user's municipality (or each of them)
        record(request, Action.SEARCH, objects=[], municipality_id=municipality_id, **common)


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    _require_kcc(request)
    context = {"form": SearchForm(), "errors": [], "status": None, "results": []}
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    usage = hit("kcc-search", f"user-{request.user.pk}", settings.KCC_SEARCH_RATE_LIMIT)
    if usage.exceeded:
        response = render(request, "429.html", {"message": TOO_MANY.format(seconds=usage.retry_after)}, status=429)
        response["Retry-After"] = str(usage.retry_after)
        return response
    form = SearchForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        context["errors"] = error_summary(form)
        return render(request, TEMPLATE, context, status=400)
    data = form.cleaned_data
    status = household_status(request.user, postcode=data["postcode"], huisnummer=data["huisnummer"],
                              toevoeging=data["toevoeging"], bsn=data["bsn"])
    _record_search(request, form, status)
    # The address stays in the form for the next question; a BSN is not shown again.
    context["form"] = SearchForm(initial={name: data[name] for name in ("postcode", "huisnummer", "toevoeging")})
    context["searched"] = "BSN" if data["bsn"] else f"{data['postcode']} {data['huisnummer']}{data['toevoeging']}"
    context["status"] = status
    context["results"] = [(result, InboundCallForm(initial={"token": result.token}, prefix=f"r{i}"))
                          for i, result in enumerate(status.results)]
    return render(request, TEMPLATE, context)


@audited(Purpose.KLANTCONTACT, object_type="case", write=Action.CREATE)
@login_required
@require_POST
def inbound_call(request):
    """"Inwoner belde": a call-back task for the handler, from a result's token (one form per result, each
    with its own prefix)."""
    _require_kcc(request)
    prefix = request.POST.get("prefix", "r0")
    prefix = prefix if prefix[:1] == "r" and prefix[1:].isdigit() and len(prefix) < 5 else "r0"
    form = InboundCallForm(request.POST, prefix=prefix)
    token = request.POST.get(f"{prefix}-token", "")
    case = case_for_token(request.user, token)
    if case is None:
        messages.error(request, "Dit zoekresultaat is verlopen (na 15 minuten) of niet geldig. Zoek de inwoner "
                                "opnieuw op; er is niets vastgelegd.")
        return redirect("kcc:search")
    if form.is_valid():
        data = form.cleaned_data
        try:
            inbound_call_register(case=case, by=request.user, callback_phone=data["terugbelnummer"],
                                  dagdeel=data["dagdeel"], note=data["notitie"], reference=data["kenmerk"])
        except CaseActionError as exc:
            form_add_refusal(form, exc)
        else:
            record(request, Action.CREATE, obj=case, purpose=Purpose.KLANTCONTACT)
            messages.success(request, "Het terugbelverzoek staat klaar voor de behandelaar. Zeg de inwoner dat "
                                      "hij of zij uiterlijk de volgende werkdag wordt teruggebeld.")
            return redirect("kcc:search")
    result = household_result(request.user, case)
    context = {"form": SearchForm(), "errors": error_summary(form), "status": HouseholdStatus([result], []),
               "results": [(result, form)]}
    return render(request, TEMPLATE, context, status=400)
