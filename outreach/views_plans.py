"""The functional administrator's plan editor: the plans of their municipalities, create and edit a plan
with its conditions, quiet hours, trays and ordered steps. Others get 403; another municipality's plan 404."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from audit.recording import Action, record
from audit.vocab import Purpose
from vroegsignalering.common.forms import error_summary

from . import selectors, services
from .forms import PlanForm, StepFormSet, steps_initial


def _require_admin(request) -> None:
    if not permissions.is_functional_admin(request.user):
        raise PermissionDenied


@login_required
@require_GET
def plan_list(request):
    _require_admin(request)
    plans = list(selectors.plans_for_user(request.user))
    rows = [{"plan": plan, "conditions": selectors.plan_summary(plan),
             "steps": sorted(plan.steps.all(), key=lambda s: s.position)} for plan in plans]
    return render(request, "outreach/plan_list.html", {"rows": rows})


def _edit(request, plan):
    municipalities = request.user.municipalities.order_by("name")
    trays = selectors.trays_for_user(request.user)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, municipalities=municipalities, trays=trays, plan=plan)
        steps = StepFormSet(request.POST, prefix="stappen")
        if form.is_valid() & steps.is_valid():
            saved = services.plan_save(plan=plan, fields=form.plan_fields(), trays=form.cleaned_data["bakjes"],
                                       steps=steps.steps(), by=request.user)
            record(request, Action.CREATE if plan is None else Action.CHANGE, obj=saved, purpose=Purpose.BEHEER)
            messages.success(request, f"Benaderingsplan '{saved.name}' is opgeslagen.")
            return redirect("outreach:plan_list")
        status = 400
    else:
        initial = None if plan is not None else {"actief": True, "berichten_vanaf": "08:00",
                                                 "berichten_tot": "20:00", "zaterdag": True,
                                                 "gemeente": municipalities.first()}
        form = PlanForm(municipalities=municipalities, trays=trays, plan=plan,
                        **({"initial": initial} if initial else {}))
        steps = StepFormSet(prefix="stappen", initial=steps_initial(plan))
    errors = error_summary(form, anchor="plan") if form.is_bound else []
    if steps.is_bound:
        for step_form in steps.forms:
            errors += error_summary(step_form)
        errors += [{"id": "stappen", "message": str(message)} for message in steps.non_form_errors()]
    return render(request, "outreach/plan_form.html", {"form": form, "steps": steps, "plan": plan,
                                                       "errors": errors}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    _require_admin(request)
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    _require_admin(request)
    plan = selectors.plan_get_for_user(request.user, pk)
    if plan is None:
        raise Http404("Dit plan bestaat niet of hoort niet bij uw gemeente.")
    return _edit(request, plan)
