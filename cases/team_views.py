"""The team lead's screens (under /team/): the overview, assigning, capacity, the home-visit planner
and its printable list, and the dashboard. Thin: forms parse, selectors read (scoped to the lead's
municipalities), services write. Only team leads get in (others: 403); a case or visit of another
municipality is not found (404)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from audit.recording import Action, audited, record
from audit.vocab import Purpose
from contacts import selectors as contact_selectors
from contacts.services import visit_cancel, visit_plan
from vroegsignalering.common.forms import error_summary, form_add_refusal
from vroegsignalering.common.params import parse_id
from vroegsignalering.common.vocab import Dagdeel

from . import deadlines, selectors
from .dashboard import AT_RISK_DAYS, dashboard_for_user
from .exceptions import CaseActionError
from .models import WINDOW_STATUSES
from .services import cases_assign_bulk, tray_capacity_update
from .team_filters import assign_list_for_user
from .team_forms import (
    UNASSIGNED,
    AssignFilterForm,
    AssignForm,
    CapacityForm,
    VisitCancelForm,
    VisitPlanForm,
    format_week,
    parse_week,
    safe_next,
)
from .team_overview import team_overview_for_user

CASES_PER_PAGE = 100


def _require_team_lead(request) -> None:
    if not permissions.is_team_lead(request.user):
        raise PermissionDenied("Alleen een teamleider kan dit scherm gebruiken.")


def _now() -> dt.datetime:
    return timezone.now()


# --- the overview ------------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request):
    """The team's start page: trays with running and unassigned cases and the capacity used, overdue
    crisis cases, this week's planned home visits per worker, and the way to the other team pages."""
    _require_team_lead(request)
    now = _now()
    board = team_overview_for_user(request.user, now=now)
    monday = board.today - dt.timedelta(days=board.today.weekday())
    sunday = monday + dt.timedelta(days=6)
    per_worker: dict[int, dict] = {}
    for visit in contact_selectors.visits_for_user(request.user, start=monday, end=sunday):
        row = per_worker.setdefault(visit.worker_id, {"worker": visit.worker, "count": 0})
        row["count"] += 1
    visits_total = sum(row["count"] for row in per_worker.values())
    return render(request, "cases/team/overview.html", {
        "board": board, "monday": monday, "sunday": sunday, "visit_rows": list(per_worker.values()),
        "visits_total": visits_total, "unassigned": UNASSIGNED,
    })


# --- assigning ---------------------------------------------------------------------------------------


@audited(Purpose.TEAMLEIDING, object_type="case")
@login_required
@require_http_methods(["GET", "POST"])
def assign(request):
    """The open cases of the lead's municipalities with filters and checkboxes; POST assigns the
    chosen cases (``melding``, one or more) to ``medewerker`` (empty = unassign), all or nothing.
    The list's own form posts to the list's address (with its filters), so a refusal shows the list
    again with the boxes still ticked and the errors by the fields (400). Only the case page's
    single-assignment form sends ``next``: there a refusal returns to the case page with a message."""
    _require_team_lead(request)
    form = None
    status = 200
    if request.method == "POST":
        form = AssignForm(request.POST, user=request.user)
        back = safe_next(request, request.POST.get("next", ""))
        if form.is_valid():
            ids = form.cleaned_data["melding"]
            cases = list(selectors.team_cases_for_user(request.user).filter(pk__in=ids))
            if len(cases) != len(ids):
                raise Http404("Deze melding bestaat niet of hoort niet bij uw gemeente.")
            worker = form.cleaned_data["medewerker"]
            record(request, Action.CHANGE, objects=cases)
            try:
                result = cases_assign_bulk(cases=cases, worker=worker, by=request.user, now=_now())
            except CaseActionError as exc:
                form_add_refusal(form, exc, whole_message=True)
            else:
                name = (worker.get_full_name() or worker.get_username()) if worker else ""
                n = result.count
                what = "melding" if n == 1 else "meldingen"
                if worker is not None:
                    text = f"{n} {what} toegewezen aan {name}."
                else:
                    text = f"Toewijzing van {n} {what} opgeheven."
                if result.unchanged:
                    text += f" ({len(result.unchanged)} had{'' if len(result.unchanged) == 1 else 'den'} dit al.)"
                messages.success(request, text)
                return redirect(back or request.get_full_path())  # the list with the lead's filters
        if back:
            for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
                messages.error(request, error)
            return redirect(back)
        status = 400
    filters = AssignFilterForm(request.GET or None, user=request.user)
    cases = assign_list_for_user(request.user, filters.filters())
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("pagina"))
    page.object_list = list(page.object_list)
    for case in page.object_list:
        case.last_day = deadlines.last_day(case.deadline_at) if case.status in WINDOW_STATUSES else None
    record(request, Action.LIST, objects=page.object_list, count=page.paginator.count, purpose=Purpose.TEAMLEIDING)
    chosen = set()
    if form is not None and form.is_bound:
        chosen = {str(v) for v in request.POST.getlist("melding")}
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "cases/team/assign.html", {
        "filters": filters,
        "form": form or AssignForm(user=request.user),
        "errors": error_summary(form) if form is not None else [],
        "page": page,
        "chosen": chosen,
        "query": query.urlencode(),
        "here": request.get_full_path(),
        "now": _now(),
    }, status=status)


# --- capacity ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def capacity(request):
    """Monthly capacity per tray with the usage of the last closed period; editable in one go."""
    _require_team_lead(request)
    trays = list(selectors.trays_for_user(request.user).select_related("capacity_fallback"))
    status = 200
    if request.method == "POST":
        form = CapacityForm(request.POST, trays=trays)
        if form.is_valid():
            try:
                changed = tray_capacity_update(capacities=form.capacities(), by=request.user, now=_now())
            except CaseActionError as exc:
                form_add_refusal(form, exc, whole_message=True)
            else:
                if changed:
                    ids = {tray.pk for tray in changed}
                    messages.success(request, "Capaciteit opgeslagen voor " +
                                     ", ".join(tray.name for tray in trays if tray.pk in ids) + ".")
                else:
                    messages.info(request, "Er is niets gewijzigd.")
                return redirect("team:capacity")
        status = 400
    else:
        form = CapacityForm(trays=trays)
    today = deadlines.local_date(_now())
    groups: dict[int, dict] = {}
    for tray in trays:
        group = groups.get(tray.municipality_id)
        if group is None:
            end = selectors.capacity_period_end(tray.municipality, today)
            group = groups[tray.municipality_id] = {
                "municipality": tray.municipality,
                "period": deadlines.period_for(end, tray.municipality.period_closing_day),
                "usage": selectors.tray_usage(tray.municipality_id, end),
                "rows": [],
            }
        used = group["usage"].get(tray.pk, 0)
        cap = tray.monthly_capacity
        group["rows"].append({
            "tray": tray, "field": form[CapacityForm.field_name(tray)], "used": used,
            "left": None if cap is None else max(cap - used, 0), "full": cap is not None and used >= cap,
        })
    return render(request, "cases/team/capacity.html", {
        "form": form, "groups": list(groups.values()), "errors": error_summary(form) if form.is_bound else [],
    }, status=status)


# --- the home-visit planner ----------------------------------------------------------------------------


def _week_from(request, now: dt.datetime) -> tuple[dt.date, str]:
    today = deadlines.local_date(now)
    raw = request.GET.get("week")
    monday = parse_week(raw)
    if monday is None:
        error = f"De week '{raw}' is onbekend; u ziet deze week." if raw else ""
        return today - dt.timedelta(days=today.weekday()), error
    return monday, ""


def _planner_grid(visits, workers, days) -> list[dict]:
    """Per worker: rows per dagdeel, cells per day, each cell the visits planned there."""
    cells: dict[tuple, list] = defaultdict(list)
    people = {worker.pk: worker for worker in workers}
    for visit in visits:
        cells[(visit.worker_id, visit.dagdeel, visit.date)].append(visit)
        people.setdefault(visit.worker_id, visit.worker)
    grid = []
    for worker in people.values():
        count = sum(len(v) for (w, _, _), v in cells.items() if w == worker.pk)
        grid.append({
            "worker": worker, "count": count,
            "rows": [{"dagdeel": label, "cells": [{"day": day, "visits": cells.get((worker.pk, value, day), [])}
                                                  for day in days]}
                     for value, label in Dagdeel.choices],
        })
    return grid


@audited(Purpose.TEAMLEIDING, object_type="plannedvisit")
@login_required
@require_http_methods(["GET", "POST"])
def visits(request):
    """This week's planned home visits per worker, day and part of the day; week navigation; a form
    to plan a visit (POST) and a cancel button per visit."""
    _require_team_lead(request)
    now = _now()
    today = deadlines.local_date(now)
    monday, week_error = _week_from(request, now)
    status = 200
    if request.method == "POST":
        form = VisitPlanForm(request.POST, user=request.user)
        if form.is_valid():
            case = selectors.team_case_get_for_user(request.user, form.cleaned_data["melding"])
            if case is None:
                form.add_error("melding", "Deze melding bestaat niet of hoort niet bij uw gemeente.")
            else:
                data = form.cleaned_data
                try:
                    visit = visit_plan(case=case, worker=data["medewerker"], date=data["datum"],
                                       dagdeel=data["dagdeel"], note=data["notitie"], by=request.user, now=now)
                except CaseActionError as exc:
                    form_add_refusal(form, exc, whole_message=True)
                else:
                    record(request, Action.CREATE, obj=visit, municipality_id=case.municipality_id)
                    worker = visit.worker.get_full_name() or visit.worker.get_username()
                    when = f"{deadlines.format_date(visit.date)} ({visit.get_dagdeel_display().lower()})"
                    messages.success(request, f"Huisbezoek gepland: melding {case.pk} op {when} door {worker}.")
                    week = format_week(visit.date - dt.timedelta(days=visit.date.weekday()))
                    return redirect(f"{reverse('team:visits')}?week={week}")
        status = 400
    else:
        initial = {}
        melding = parse_id(request.GET.get("melding"))
        if melding:  # a bad number in the link is ignored: the lead types it in the form
            initial["melding"] = melding
        form = VisitPlanForm(user=request.user, initial=initial)
    sunday = monday + dt.timedelta(days=6)
    planned = list(contact_selectors.visits_for_user(request.user, start=monday, end=sunday))
    workers = list(selectors.case_workers_for_user(request.user))
    days = [monday + dt.timedelta(days=i) for i in range(5)]
    days += [day for day in (monday + dt.timedelta(days=5), sunday) if any(v.date == day for v in planned)]
    awaiting = list(contact_selectors.cases_awaiting_visit_for_user(request.user, today=today))
    record(request, Action.LIST, objects=[*{v.case for v in planned}, *awaiting], purpose=Purpose.TEAMLEIDING)
    return render(request, "cases/team/visits.html", {
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "week_error": week_error,
        "monday": monday, "sunday": sunday, "days": days, "today": today,
        "week": format_week(monday),
        "previous_week": format_week(monday - dt.timedelta(days=7)),
        "next_week": format_week(monday + dt.timedelta(days=7)),
        "this_week": format_week(today - dt.timedelta(days=today.weekday())),
        "grid": _planner_grid(planned, workers, days),
        "total": len(planned),
        "awaiting": awaiting,
        "window_statuses": WINDOW_STATUSES,
    }, status=status)


@audited(Purpose.TEAMLEIDING, object_type="plannedvisit")
@login_required
@require_POST
def visit_cancel_view(request, pk: int):
    _require_team_lead(request)
    visit = contact_selectors.visit_get_for_user(request.user, pk)
    if visit is None:
        raise Http404("Dit huisbezoek bestaat niet of hoort niet bij uw gemeente.")
    form = VisitCancelForm(request.POST)
    reason = form.cleaned_data["reden"] if form.is_valid() else ""
    try:
        visit_cancel(visit=visit, by=request.user, reason=reason, now=_now())
    except CaseActionError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Huisbezoek voor melding {visit.case_id} op {deadlines.format_date(visit.date)} "
                                  f"({visit.get_dagdeel_display().lower()}) geannuleerd.")
    week = format_week(visit.date - dt.timedelta(days=visit.date.weekday()))
    return redirect(f"{reverse('team:visits')}?week={week}")


@login_required
@require_GET
def visits_print(request):
    """The printable visit list of a week (optionally one worker's), sorted by postcode; only what
    a visit needs."""
    _require_team_lead(request)
    now = _now()
    monday, week_error = _week_from(request, now)
    if week_error:
        return render(request, "cases/team/visits_print.html", {"week_error": week_error}, status=400)
    worker = None
    raw = request.GET.get("medewerker", "")
    if raw:
        worker_id = parse_id(raw)
        worker = selectors.case_workers_for_user(request.user).filter(pk=worker_id).first() if worker_id else None
        if worker is None:
            raise Http404("Deze medewerker is onbekend.")
    sunday = monday + dt.timedelta(days=6)
    rows = contact_selectors.visit_print_list(request.user, start=monday, end=sunday,
                                              worker_id=worker.pk if worker else None)
    record(request, Action.PRINT, objects=[row["visit"].case for row in rows], purpose=Purpose.TEAMLEIDING)
    return render(request, "cases/team/visits_print.html", {
        "rows": rows, "worker": worker, "monday": monday, "sunday": sunday, "week": format_week(monday),
        "printed_at": timezone.localtime(now, deadlines.TZ),
    })


# --- the dashboard -------------------------------------------------------------------------------------


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 28, 10, 220, 640


def _bar_chart(rows: list[tuple[str, int]], *, maximum: int | None = None, suffix: str = "") -> dict:
    """Geometry of a horizontal bar chart, drawn as inline SVG by the template."""
    top = max([maximum or 0, *(value for _, value in rows)], default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 60
    bars = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = round(room * value / top) if value else 0
        bars.append({"label": label, "value": value, "text": f"{value}{suffix}", "y": y,
                     "text_y": y + round(BAR_HEIGHT * 0.68), "width": width, "value_x": LABEL_WIDTH + width + 6})
    return {"bars": bars, "height": max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP), "width": CHART_WIDTH,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT, "label_x": LABEL_WIDTH - 8}


@login_required
@require_GET
def dashboard(request):
    _require_team_lead(request)
    board = dashboard_for_user(request.user, now=_now())
    several = len({row.municipality for row in board.per_tray}) > 1
    tray_rows = [(f"{row.name} ({row.municipality})" if several else row.name, row.count) for row in board.per_tray]
    rate_rows = [("Bereikt", board.reach_pct or 0), ("Hulp aanvaard", board.acceptance_pct or 0)]
    return render(request, "cases/team/dashboard.html", {
        "board": board,
        "tray_rows": tray_rows,
        "tray_chart": _bar_chart(tray_rows),
        "rate_chart": _bar_chart(rate_rows, maximum=100, suffix="%"),
        "at_risk_days": AT_RISK_DAYS,
    })
