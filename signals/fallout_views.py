"""The fallout review (uitval): signals the checks could not decide, each decided by a person."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from audit.recording import EVIDENCE_PERSON_GROUPS, Action, audited, record, signal_persons
from audit.vocab import Purpose

from . import selectors
from .brp.suggest import rank_candidates
from .fallout import ReviewError, fallout_decide
from .models import FalloutDecision


def _require_reviewer(user) -> None:
    if not permissions.reviews_fallout(user):
        raise PermissionDenied("U beoordeelt geen uitval.")


def _suggestions(signal) -> list[dict]:
    """The candidates at the address, best match first, with the reasons (for a person to weigh)."""
    candidates = signal.brp_evidence.get("kandidaten", [])
    return [
        {"kandidaat": candidate, "score": round(score), "redenen": reasons}
        for candidate, score, reasons in rank_candidates(signal, candidates)
    ]


@login_required
def fallout_list(request):
    _require_reviewer(request.user)
    everything = selectors.fallout_list_for_user(user=request.user)
    outcomes = selectors.fallout_counts_for_user(user=request.user)
    outcome = request.GET.get("bevinding", "")
    if outcome not in {o["code"] for o in outcomes}:
        outcome = ""  # only a finding that is in the list filters (anything else shows all)
    shown = everything.filter(brp_evidence__uitkomst=outcome) if outcome else everything
    page = Paginator(shown, 50).get_page(request.GET.get("pagina"))
    forwarding = selectors.manual_forwarding_list_for_user(user=request.user)[:50]
    record(request, Action.LIST, objects=[*page.object_list, *forwarding], purpose=Purpose.UITVALBEOORDELING)
    return render(request, "signals/fallout_list.html", {
        "page": page, "forwarding": forwarding, "outcome": outcome,
        "outcomes": outcomes,
    })


@audited(Purpose.UITVALBEOORDELING, object_type="signal")
@login_required
@require_http_methods(["GET", "POST"])
def fallout_detail(request, signal_pk: int):
    _require_reviewer(request.user)
    signal = selectors.fallout_get_for_user(user=request.user, signal_pk=signal_pk)
    if signal is None:
        raise Http404("Dit signaal staat niet (meer) in de uitval.")
    record(request, Action.VIEW, obj=signal, persons=signal_persons([signal], EVIDENCE_PERSON_GROUPS))
    error = ""
    if request.method == "POST":
        # "persoon:<bsn>", "geen_inwoner" or "niet_opgepakt" (one radio group, works without script)
        decision, _, bsn = request.POST.get("keuze", "").partition(":")
        try:
            if not decision:
                raise ReviewError("Kies een persoon, ‘geen inwoner’ of ‘niet oppakken’.")
            fallout_decide(signal_id=signal.pk, decided_by=request.user, decision=decision, bsn=bsn,
                           reason=request.POST.get("reden", ""))
        except ReviewError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Besluit over signaal {signal.signal_id} vastgelegd.")
            following = selectors.fallout_list_for_user(user=request.user).first()
            return redirect("fallout_detail", following.pk) if following else redirect("fallout_list")
    queue = selectors.fallout_list_for_user(user=request.user)
    unusable = selectors.signal_unusable_values(signal)  # delivered, but not usable: shown with a note
    return render(request, "signals/fallout_detail.html", {
        "signal": signal,
        "position": queue.filter(Q(received_at__lt=signal.received_at)
                                 | Q(received_at=signal.received_at, pk__lte=signal.pk)).count(),
        "total": queue.count(),
        "following": queue.filter(Q(received_at__gt=signal.received_at)
                                  | Q(received_at=signal.received_at, pk__gt=signal.pk)).first(),
        "evidence": signal.brp_evidence,
        "suggestions": _suggestions(signal),
        "unusable": unusable,
        "unusable_birth_date": next((u for u in unusable if u["naam"] == "klant.geboortedatum"), None),
        "choices": FalloutDecision.Choice,
        "error": error,
        "posted": request.POST,
    }, status=400 if error else 200)
