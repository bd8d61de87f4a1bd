"""Finding a case by the reference a resident quotes (issue 13): a reply by phone, e-mail or post names
'VS-7K3M2QX-2'; the worker lands on the case, at the attempt that carried the reference, where the reply is
registered on that attempt (so the monitor sees which channel worked)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import permissions
from audit.recording import Action, record
from audit.vocab import Purpose

from . import selectors
from .forms import ReferenceForm


@login_required
@require_GET
def case_by_reference(request):
    if not permissions.works_cases(request.user):
        return render(request, "cases/geen_toegang.html", status=403)
    form = ReferenceForm(request.GET or None)
    if not request.GET:
        return render(request, "cases/kenmerk.html", {"form": form})
    if not form.is_valid():
        return render(request, "cases/kenmerk.html", {"form": form}, status=400)
    reference = form.cleaned_data["kenmerk"]
    case, attempt_id = selectors.case_by_reference(request.user, reference)
    record(request, Action.SEARCH, search=reference, obj=case, purpose=Purpose.BEHANDELING)
    if case is None:
        form.add_error("kenmerk", "Geen melding met dit kenmerk in uw gemeente. Controleer het kenmerk, of de "
                                  "melding is al vernietigd.")
        return render(request, "cases/kenmerk.html", {"form": form}, status=404)
    anchor = f"#poging-{attempt_id}" if attempt_id else "#kop-tijdlijn"
    return redirect(reverse("case_detail", args=[case.pk]) + anchor)
