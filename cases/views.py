"""The worker's screens: the queue (werkvoorraad) and the case page with its actions.

Thin views: reads through ``cases.selectors`` (scoped to the user's municipalities and role, so
another municipality's case is a 404), writes through the services. Every action is a POST that
redirects to the case page with a message (POST-redirect-GET); a refused action shows the page
again with the Dutch message next to the field and changes nothing. htmx (django-htmx) swaps the
queue's results without a full reload; every page works without JavaScript.
"""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts import permissions
from audit.recording import Action, audited, record, signal_persons
from audit.selectors import case_viewers
from audit.vocab import Purpose
from contacts.selectors import follow_ups_due_for_user
from contacts.services import contact_attempt_record_reply, contact_attempt_register, follow_up_record
from vroegsignalering.common.params import parse_id
from vroegsignalering.common.vocab import REPLY_KINDS

from . import deadlines, selectors, services
from .exceptions import CaseActionError
from .forms import (
    CloseForm,
    ContactAttemptForm,
    ContactCorrectionForm,
    FollowUpForm,
    QueueFilterForm,
    ReopenForm,
    ReplyForm,
    now_initial,
)
from .models import ACTIVE_STATUSES, CaseStatus, Urgency

URGENT_DAYS = 3  # a case whose last day is this close is marked urgent


def deadline_info(case, today: dt.date) -> dict:
    """The days left in plain words, and whether the case is urgent (shown in text, not colour alone)."""
    if case.status == CaseStatus.HEROPEND:
        return {"text": "heropend (geen termijn)", "urgent": False, "days": None}
    if case.status == CaseStatus.GESLOTEN:
        return {"text": "gesloten", "urgent": False, "days": None}
    last_day = deadlines.last_day(case.deadline_at)
    days = (last_day - today).days
    if days < 0:
        text = "verlopen"
    elif days == 0:
        text = "vandaag laatste dag"
    elif days == 1:
        text = "nog 1 dag (morgen laatste dag)"
    else:
        text = f"nog {days} dagen"
    urgent = days <= URGENT_DAYS or case.urgency >= Urgency.HOOG
    return {"text": text, "urgent": urgent, "days": days, "last_day": last_day}


def _no_queue(request):
    return render(request, "cases/geen_toegang.html", status=403)


# --- the queue --------------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request):
    user = request.user
    if not permissions.works_cases(user):
        return _no_queue(request)
    now = timezone.now()
    today = deadlines.local_date(now)
    ids = selectors.user_municipality_ids(user)
    trays = selectors.queue_trays(user, municipality_ids=ids)
    real_trays = [row.tray for row in trays if row.tray is not None]
    form = QueueFilterForm(request.GET or None, trays=real_trays)
    filters = form.filters()
    page = selectors.queue_page(user, filters=filters, now=now, municipality_ids=ids,
                                after=parse_id(request.GET.get("na")), before=parse_id(request.GET.get("voor")))
    rows = [{"case": case, "deadline": deadline_info(case, today), "kinds": page.creditor_kinds.get(case.pk, [])}
            for case in page.cases]
    record(request, Action.LIST, objects=page.cases, purpose=Purpose.BEHANDELING)
    context = {
        "form": form, "page": page, "rows": rows, "today": today, "filters": filters,
        "trays": trays, "tray_tabs": _tray_tabs(form, trays, filters),
        "several_municipalities": len(ids) > 1,
        "next_query": form.query(na=page.next_after) if page.next_after else "",
        "previous_query": form.query(voor=page.previous_before) if page.previous_before else "",
        "first_query": form.query() if not page.is_first else "",
        "filtered": filters != selectors.QueueFilters(),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/_queue_results.html", context)
    context["follow_ups"] = list(follow_ups_due_for_user(user, today=today)[:selectors.QUEUE_SIDE_LIST])
    context["crisis_overdue"] = selectors.crisis_overdue_for_user(user, now=now, municipality_ids=ids)
    return render(request, "cases/queue.html", context)


def _tray_tabs(form, trays, filters) -> list[dict]:
    tabs = [{"label": "Alle bakjes", "count": sum(row.count for row in trays),
             "query": form.query(bakje=None), "current": filters.tray_id is None}]
    for row in trays:
        if row.tray is None:
            continue  # cases without a tray cannot be filtered on; they are counted under "Alle bakjes"
        tabs.append({"label": str(row.tray), "count": row.count, "query": form.query(bakje=row.tray.pk),
                     "current": filters.tray_id == row.tray.pk, "tray": row.tray})
    return tabs


# --- the case page ------------------------------------------------------------------------------------


def _page_data(request, pk: int):
    data = selectors.case_page_data(request.user, pk, now=timezone.now())
    if data is None:
        raise Http404("Deze melding bestaat niet of hoort niet bij uw gemeente.")
    return data


def _render_case(request, data, *, forms: dict | None = None, status: int = 200):
    """The case page; ``forms`` replaces the fresh forms with bound ones that failed."""
    forms = forms or {}
    case = data.case
    now = timezone.now()
    today = deadlines.local_date(now)
    active = case.status in ACTIVE_STATUSES
    failed = {key: form for key, form in forms.items() if form is not None}
    reply_forms = {attempt.pk: (failed.get(("reactie", attempt.pk))
                                or ReplyForm(initial=now_initial(), auto_id=f"reactie-{attempt.pk}-%s"))
                   for attempt in data.attempts
                   if active and attempt.kind in REPLY_KINDS and attempt.reply_received_at is None}
    follow_up_forms = {f.pk: failed.get(("vervolg", f.pk)) or FollowUpForm(initial=now_initial(),
                                                                          auto_id=f"vervolg-{f.pk}-%s")
                       for f in data.open_follow_ups}
    attempt_form = failed.get("poging") or ContactAttemptForm(initial=now_initial(), auto_id="poging-%s")
    close_form = failed.get("sluiten") or CloseForm(auto_id="sluiten-%s")
    reopen_form = failed.get("heropenen") or ReopenForm(auto_id="heropenen-%s")
    contact_form = failed.get("contactgegevens") or ContactCorrectionForm(
        contact_details=data.contact_details, auto_id="contactgegevens-%s")
    errors = []
    for form in failed.values():
        errors.extend(form.error_list())
    attempts = [{"attempt": a, "reply_form": reply_forms.get(a.pk)} for a in data.attempts]
    context = {
        "data": data, "case": case, "today": today, "deadline": deadline_info(case, today),
        "is_active": active, "is_closed": case.status == CaseStatus.GESLOTEN,
        "attempt_form": attempt_form, "close_form": close_form, "reopen_form": reopen_form,
        "contact_form": contact_form,
        "attempts": attempts, "follow_up_forms": follow_up_forms,
        "timeline": [
            {"entry": e, "reply_form": reply_forms.get(e.item.pk) if e.kind == "poging" else None}
            for e in data.timeline
        ],
        "errors": errors, "is_team_lead": permissions.is_team_lead(request.user),
        "viewers": case_viewers(case.pk) if permissions.is_team_lead(request.user) else [],
        "crisis_overdue": bool(case.is_crisis and case.crisis_due_at and case.crisis_due_at <= now
                               and active and not any(a.at >= case.crisis_at for a in data.attempts
                                                       if case.crisis_at)),
        "next_url": request.get_full_path() if request.method == "GET" else reverse("case_detail", args=[case.pk]),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request, pk: int):
    data = _page_data(request, pk)
    record(request, Action.VIEW, obj=data.case, persons=signal_persons(data.signals), purpose=Purpose.BEHANDELING)
    return _render_case(request, data)


def _perform(request, data, key, form, action, success: str):
    """Run ``action`` (a service call) for a valid form; on a refusal show the page with the messages."""
    record(request, Action.CHANGE, obj=data.case, persons=signal_persons(data.signals))
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except CaseActionError as exc:
            form.add_refusal(exc)
        except (TransitionNotAllowed, ConcurrentTransition):
            form.add_error(None, "Deze actie kan niet in de huidige status van de melding. Laad de pagina opnieuw "
                                 "en probeer het nog eens.")
        else:
            messages.success(request, success)
            return redirect("case_detail", pk=data.case.pk)
    data = _page_data(request, data.case.pk)  # the page as it is now (nothing was changed)
    response = _render_case(request, data, forms={key: form}, status=400)
    if request.htmx:  # a boosted form: show the case page's own address, not the action's
        response["HX-Push-Url"] = reverse("case_detail", args=[data.case.pk])
    return response


def _action(view):
    """An action URL: POST runs the action; GET (a reload or a typed address) shows the case page."""

    def wrapper(request, pk: int, **kwargs):
        if request.method == "GET":
            _page_data(request, pk)  # 404 when the case is not the user's to see
            return redirect("case_detail", pk=pk)
        return view(request, pk, **kwargs)

    wrapper.__name__ = wrapper.__qualname__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(require_http_methods(["GET", "POST"])(wrapper))


@audited(Purpose.BEHANDELING, object_type="case")
@_action
def case_attempt_create(request, pk: int):
    data = _page_data(request, pk)
    form = ContactAttemptForm(request.POST, auto_id="poging-%s")

    def action(cd):
        contact_attempt_register(case=data.case, kind=cd["soort"], at=cd["tijdstip"], by=request.user,
                                 reached=cd["bereikt"], note=cd["notitie"])

    return _perform(request, data, "poging", form, action, "Contactpoging geregistreerd.")


@audited(Purpose.BEHANDELING, object_type="case")
@_action
def case_attempt_reply(request, pk: int, attempt_pk: int):
    data = _page_data(request, pk)
    attempt = next((a for a in data.attempts if a.pk == attempt_pk), None)
    if attempt is None:
        raise Http404("Deze contactpoging hoort niet bij deze melding.")
    form = ReplyForm(request.POST, auto_id=f"reactie-{attempt.pk}-%s")
    form.anchor = f"poging-{attempt.pk}"

    def action(cd):
        contact_attempt_record_reply(attempt=attempt, at=cd["tijdstip"], by=request.user, note=cd["notitie"])

    return _perform(request, data, ("reactie", attempt.pk), form, action,
                    "Reactie geregistreerd bij de contactpoging; de inwoner is nu bereikt.")


@audited(Purpose.BEHANDELING, object_type="case")
@_action
def case_close(request, pk: int):
    data = _page_data(request, pk)
    form = CloseForm(request.POST, auto_id="sluiten-%s")

    def action(cd):
        services.case_close(case=data.case, outcome=cd["eindresultaat"], by=request.user, reason=cd["toelichting"],
                            first_reaction=cd["eerste_reactie"], help_description=cd["welke_hulp"],
                            decline_reason=cd["reden_geen_hulp"], consent=cd["toestemming"])

    return _perform(request, data, "sluiten", form, action, "De melding is gesloten.")


@audited(Purpose.BEHANDELING, object_type="case")
@_action
def case_reopen(request, pk: int):
    data = _page_data(request, pk)
    form = ReopenForm(request.POST, auto_id="heropenen-%s")

    def action(cd):
        services.case_reopen(case=data.case, reason=cd["reden"], by=request.user)

    return _perform(request, data, "heropenen", form, action,
                    "De melding is heropend. Registreer de contactpoging en sluit met het eindresultaat.")


@audited(Purpose.BEHANDELING, object_type="case")
@_action
def case_follow_up(request, pk: int, follow_up_pk: int):
    data = _page_data(request, pk)
    follow_up = next((f for f in data.follow_ups if f.pk == follow_up_pk), None)
    if follow_up is None:
        raise Http404("Dit vervolgcontact hoort niet bij deze melding.")
    form = FollowUpForm(request.POST, auto_id=f"vervolg-{follow_up.pk}-%s")
    form.anchor = f"vervolgcontact-{follow_up.pk}"

    def action(cd):
        follow_up_record(follow_up=follow_up, kind=cd["soort"], at=cd["tijdstip"], reached=cd["bereikt"],
                         arranged=cd["afspraak"], by=request.user, note=cd["notitie"])

    return _perform(request, data, ("vervolg", follow_up.pk), form, action, "Vervolgcontact vastgelegd.")


@audited(Purpose.BEHANDELING, object_type="case")
@_action
def case_contact_correct(request, pk: int):
    """Rectification (AVG art. 16): a phone number or e-mail address corrected or removed, in the history."""
    data = _page_data(request, pk)
    form = ContactCorrectionForm(request.POST, contact_details=data.contact_details, auto_id="contactgegevens-%s")

    def action(cd):
        services.case_contact_correct(case=data.case, field=cd["veld"], old=cd["oud"], new=cd["nieuw"],
                                      by=request.user)

    return _perform(request, data, "contactgegevens", form, action,
                    "Contactgegevens verbeterd; de wijziging staat in de tijdlijn.")
