"""The worker's outreach screens: the case page's "Benadering" fragment (htmx, or a plain page without
JavaScript) with its "Benadering stoppen" form, and "Mijn taken". Thin: selectors read (scoped to the user's
municipalities), services write; a case of another municipality is not found (404)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from audit.recording import Action, record
from audit.vocab import Purpose
from vroegsignalering.common.forms import error_summary

from . import selectors, services
from .forms import StopForm


def _case(request, pk: int):
    case = selectors.case_for_user(request.user, pk)
    if case is None:
        raise Http404("Deze melding bestaat niet of hoort niet bij uw gemeente.")
    return case


def _render(request, case, *, form: StopForm | None = None, status: int = 200):
    view = selectors.case_outreach(case)
    context = {"case": case, "view": view, "form": form or StopForm(auto_id="stoppen-%s"),
               "errors": error_summary(form) if form is not None and form.is_bound else [],
               "moment_short": selectors.moment_short}
    template = "outreach/_case_outreach.html" if request.htmx and form is None else "outreach/case_outreach.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def case_outreach(request, pk: int):
    """The case's plan, why it was chosen, every step, what is next, its open tasks and the stop form."""
    case = _case(request, pk)
    record(request, Action.VIEW, obj=case, purpose=Purpose.BEHANDELING)
    return _render(request, case)


@login_required
@require_POST
def case_outreach_stop(request, pk: int):
    """"Benadering stoppen": the planned steps are skipped (e.g. the resident wants no messages)."""
    case = _case(request, pk)
    record(request, Action.CHANGE, obj=case, purpose=Purpose.BEHANDELING)
    form = StopForm(request.POST, auto_id="stoppen-%s")
    if form.is_valid():
        run = services.run_stop(case=case, reason=form.cleaned_data["reden"], by=request.user, now=timezone.now(),
                                note=form.cleaned_data["toelichting"].strip())
        if run is not None:
            messages.success(request, "De benadering is gestopt; de geplande stappen vervallen.")
            return redirect(reverse("case_detail", args=[case.pk]) + "#kop-benadering")
        form.add_error(None, "Er loopt geen benaderingsplan voor deze melding (meer).")
    return _render(request, case, form=form, status=400)


@login_required
@require_GET
def my_tasks(request):
    """Open tasks: a worker's own; a team lead's own and the unassigned ones of their municipalities."""
    if not permissions.works_cases(request.user):
        raise PermissionDenied
    tasks = list(selectors.tasks_for_user(request.user)[:500])
    record(request, Action.LIST, objects=[task.case for task in tasks], purpose=Purpose.BEHANDELING)
    return render(request, "outreach/tasks.html", {"tasks": tasks, "today": timezone.localdate(),
                                                   "is_team_lead": permissions.is_team_lead(request.user)})
