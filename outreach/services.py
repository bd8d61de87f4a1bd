"""Writes of outreach: the sweeper (start runs, claim due steps, re-enqueue lost ones, item 5's intermediate
result), running one step, and stopping a run. Every moment is passed in (``now``), so tests travel in time.

Lock order as everywhere: the case (``cases.services.case_lock``), then its run and steps.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import WINDOW_STATUSES, Case, CaseEvent, CaseStatus
from cases.services import case_history_append, case_lock
from contacts.models import REPLY_KINDS, CaseTask, ContactAttempt, Reached, TaskKind, TaskSource, TaskStatus
from vroegsignalering.common.dates import format_date, local_date

from . import letters, planning, sending
from .models import (
    MESSAGE_KINDS,
    TASK_KINDS,
    CaseOutreach,
    CaseOutreachStep,
    Letter,
    LetterStatus,
    OutreachPlan,
    OutreachSettings,
    OutreachStep,
    SkipReason,
    StepKind,
    StepStatus,
    StopReason,
)
from .stops import stop_reason
from .tasks import outreach_step_run

logger = logging.getLogger(__name__)

CLAIM_BATCH = 500
LEASE = dt.timedelta(minutes=10)
# A case routed longer ago than this gets no run: a new plan applies to new cases, not to running ones.
START_GRACE = dt.timedelta(days=2)
STEP_TASK = {StepKind.BELLEN: TaskKind.BELLEN, StepKind.HUISBEZOEK: TaskKind.HUISBEZOEK}


def _outreach_history(case: Case, *, at: dt.datetime, by, text: str) -> None:
    case_history_append(case, at=at, by=by, event=CaseEvent.OUTREACH, to_status=case.status,
                        params={"kind": "outreach", "text": text})


# --- the sweeper ---------------------------------------------------------------------------------------


def sweep(now: dt.datetime) -> dict[str, int]:
    """One beat of the engine, in short transactions: start runs, claim due steps (each enqueued once on
    commit), re-enqueue steps whose worker was lost, and item 5's intermediate results."""
    return {"started": runs_start(now=now), "claimed": steps_claim_due(now=now),
            "requeued": steps_requeue_stale(now=now), "unanswered": attempts_mark_unanswered(now=now)}


def runs_start(*, now: dt.datetime) -> int:
    """Start a run for each active, routed case without one that a plan of its municipality fits."""
    municipalities = set(OutreachPlan.objects.filter(is_active=True).values_list("municipality_id", flat=True))
    if not municipalities:
        return 0
    candidates = (Case.objects.filter(municipality_id__in=municipalities, status__in=WINDOW_STATUSES,
                                      deadline_at__gt=now, tray__isnull=False, outreach__isnull=True)
                  .filter(tray__end_outcome="")
                  .filter(Q(routed_at__gte=now - START_GRACE)
                          | Q(routed_at__isnull=True, opened_at__gte=now - START_GRACE))
                  .values_list("pk", "municipality_id").order_by("pk"))
    plans: dict[int, list[OutreachPlan]] = {}
    started = 0
    for case_id, municipality_id in candidates:
        if municipality_id not in plans:
            plans[municipality_id] = planning.active_plans(municipality_id)
        with transaction.atomic():
            case = case_lock(Case(pk=case_id))
            if CaseOutreach.objects.filter(case=case).exists() or not planning.can_have_run(case, now=now):
                continue
            plan = planning.plan_for_case(case, plans[municipality_id])
            if plan is None:
                continue
            names = [tray.name for tray in plan.trays.all()]
            planning.run_start(case, plan, now=now, tray_names=names)
            started += 1
    return started


def _enqueue(step_ids: Iterable[int], now: dt.datetime) -> None:
    """One task per step, run as of ``now`` plus however long it waited in the queue (``outreach.tasks``)."""
    moment, enqueued = now.isoformat(), timezone.now().isoformat()
    for step_id in step_ids:
        outreach_step_run.delay_on_commit(step_id, moment, enqueued)


def steps_claim_due(*, now: dt.datetime) -> int:
    """Claim the due planned steps (``FOR UPDATE SKIP LOCKED``, in batches) as busy and enqueue each once."""
    claimed = 0
    while True:
        with transaction.atomic():
            ids = list(CaseOutreachStep.objects.select_for_update(skip_locked=True)
                       .filter(status=StepStatus.GEPLAND, due_at__lte=now)
                       .order_by("due_at", "pk").values_list("pk", flat=True)[:CLAIM_BATCH])
            if not ids:
                return claimed
            CaseOutreachStep.objects.filter(pk__in=ids, status=StepStatus.GEPLAND).update(
                status=StepStatus.BEZIG, claimed_at=now)
            _enqueue(ids, now)
            claimed += len(ids)


def steps_requeue_stale(*, now: dt.datetime) -> int:
    """Busy steps claimed more than ``LEASE`` ago (a lost message, a killed worker): enqueue them again, with
    a fresh lease. Running a step again is safe (``step_run``)."""
    with transaction.atomic():
        ids = list(CaseOutreachStep.objects.select_for_update(skip_locked=True)
                   .filter(status=StepStatus.BEZIG, claimed_at__lte=now - LEASE)
                   .order_by("claimed_at", "pk").values_list("pk", flat=True)[:CLAIM_BATCH])
        if ids:
            CaseOutreachStep.objects.filter(pk__in=ids, status=StepStatus.BEZIG).update(claimed_at=now)
            _enqueue(ids, now)
    return len(ids)


def attempts_mark_unanswered(*, now: dt.datetime) -> int:
    """Item 5 (off unless the municipality set ``written_no_reply_days``): a letter, card, e-mail or text
    still 'unknown' and unanswered N days after it was made becomes 'niet bereikt', by the system, with a
    history row. A later reply still makes it 'bereikt' (``contacts.services.contact_attempt_record_reply``)."""
    marked = 0
    for municipality_id, days in (OutreachSettings.objects.filter(written_no_reply_days__isnull=False)
                                  .values_list("municipality_id", "written_no_reply_days")):
        ids = list(ContactAttempt.objects.filter(
            case__municipality_id=municipality_id, case__status__in=WINDOW_STATUSES, kind__in=REPLY_KINDS,
            reached=Reached.ONBEKEND, reply_received_at__isnull=True, at__lte=now - dt.timedelta(days=days),
        ).order_by("case_id", "pk").values_list("pk", "case_id"))
        for attempt_id, case_id in ids:
            with transaction.atomic():
                case = case_lock(Case(pk=case_id))
                attempt = ContactAttempt.objects.select_for_update().filter(
                    pk=attempt_id, reached=Reached.ONBEKEND, reply_received_at__isnull=True).first()
                if attempt is None or case.status not in WINDOW_STATUSES:
                    continue
                attempt.reached = Reached.NEE
                attempt.save(update_fields=["reached"])
                case_history_append(case, at=now, by=None, event=CaseEvent.OUTREACH, to_status=case.status,
                                    params={"kind": "attempt_unanswered", "days": days,
                                            "contact_kind": attempt.kind, "attempt_at": attempt.at.isoformat()})
                marked += 1
    return marked


# --- one step ------------------------------------------------------------------------------------------


def step_run(step_id: int, *, now: dt.datetime) -> str:
    """Run one claimed step (the Celery task's body); safe to call again at any time: only a busy step is
    run, under the case's lock. Messages go to ``outreach.sending.message_send``, letters to
    ``outreach.letters.letter_prepare``; a phone or home-visit step becomes a task here. Returns the
    step's status afterwards."""
    step = CaseOutreachStep.objects.filter(pk=step_id).only("kind", "status").first()
    if step is None:
        return ""
    if step.status != StepStatus.BEZIG:
        return step.status
    if step.kind in MESSAGE_KINDS:
        if sending is None:  # pragma: no cover - only before the merge
            raise RuntimeError("outreach.sending is missing")
        sending.message_send(step_id, now=now)
    elif step.kind == StepKind.BRIEF:
        if letters is None:  # pragma: no cover - only before the merge
            raise RuntimeError("outreach.letters is missing")
        letters.letter_prepare(step_id, now=now)
    else:
        _task_make(step_id, now=now)
    return CaseOutreachStep.objects.values_list("status", flat=True).get(pk=step_id)


def _task_make(step_id: int, *, now: dt.datetime) -> None:
    """A phone step becomes a task for the case's worker (or the team, when unassigned); a home-visit
    step a task for the team lead's planner. Skipped when the outreach stopped meanwhile."""
    with transaction.atomic():
        case_id = CaseOutreachStep.objects.values_list("case_id", flat=True).get(pk=step_id)
        case = case_lock(Case(pk=case_id))
        step = CaseOutreachStep.objects.select_for_update().select_related("run").get(pk=step_id)
        if step.status != StepStatus.BEZIG or step.kind not in TASK_KINDS:
            return
        reason = stop_reason(case, now=now, run=step.run)
        if reason is not None:
            step.status = StepStatus.OVERGESLAGEN
            step.skip_reason = SkipReason.NA_TERMIJN if reason == StopReason.TERMIJN else SkipReason.GESTOPT
            step.done_at = now
            step.save(update_fields=["status", "skip_reason", "done_at"])
            return
        kind = STEP_TASK[step.kind]
        due = local_date(max(step.due_at, now))
        task = CaseTask.objects.create(
            case=case, kind=kind, source=TaskSource.PLAN, status=TaskStatus.OPEN,
            assigned_to=case.assigned_to if kind == TaskKind.BELLEN else None, due_date=due,
            external=step.external, note=f"Stap {step.position} van benaderingsplan '{step.run.plan_name}'.",
            created_at=now, created_by=None,
        )
        step.status, step.task, step.done_at = StepStatus.TAAK, task, now
        step.save(update_fields=["status", "task", "done_at"])
        where = " (extern klantcontactcentrum)" if step.external else ""
        case_history_append(case, at=now, by=None, event=CaseEvent.TASK, to_status=case.status,
                            params={"kind": "task", "text": (
                                f"Taak '{task.get_kind_display()}'{where} aangemaakt volgens benaderingsplan "
                                f"'{step.run.plan_name}' (stap {step.position}), uiterlijk {format_date(due)}.")})


# --- stopping ------------------------------------------------------------------------------------------


def _stop_locked(run: CaseOutreach, case: Case, *, reason: str, by, now: dt.datetime, note: str = "") -> int:
    """Stop a run whose case the caller locked; its planned steps are skipped, and its letters still waiting for
    a print batch are withdrawn (never printed: their frozen text goes). Returns how many steps."""
    run.stopped_at, run.stop_reason, run.stopped_by = now, reason, by
    run.save(update_fields=["stopped_at", "stop_reason", "stopped_by"])
    withdrawn = Letter.objects.filter(run_step__run=run, status=LetterStatus.TE_PRINTEN, batch__isnull=True)
    waiting = list(withdrawn.values_list("run_step_id", flat=True))
    withdrawn.delete()
    skipped = CaseOutreachStep.objects.filter(
        Q(status=StepStatus.GEPLAND) | Q(pk__in=waiting, status=StepStatus.BRIEF_KLAAR), run=run).update(
        status=StepStatus.OVERGESLAGEN, skip_reason=SkipReason.GESTOPT, done_at=now)
    text = f"Benaderingsplan '{run.plan_name}' gestopt: {StopReason(reason).label.lower()}."
    if note:
        text += f" {note}"
    if skipped:
        text += f" {skipped} geplande {'stap' if skipped == 1 else 'stappen'} vervallen."
    _outreach_history(case, at=now, by=by, text=text)
    return skipped


def run_stop(*, case: Case, reason: str, by, now: dt.datetime, note: str = "") -> CaseOutreach | None:
    """Stop the case's outreach (a worker's "Benadering stoppen", e.g. the resident wants no messages).
    No-op when there is no running run. Steps being sent re-check under the lock and stop too."""
    if reason not in StopReason.values:
        raise ValueError(f"unknown stop reason {reason!r}")
    with transaction.atomic():
        case = case_lock(case)
        run = CaseOutreach.objects.select_for_update().filter(case=case, stopped_at__isnull=True).first()
        if run is None:
            return None
        _stop_locked(run, case, reason=reason, by=by, now=now, note=note[:300])
    return run


def runs_follow_history(rows: Iterable) -> None:
    """The receivers' work, in the caller's transaction (the case is locked there): a case closed or
    expired stops its run and its open tasks lapse; a reached attempt or a reply stops the run; an
    attempt or planned visit that did a plan's task marks that step done."""
    closing, reached, touched = {}, {}, set()
    for row in rows:
        kind = (row.params or {}).get("kind")
        if kind in ("outreach", "task"):
            continue
        if row.to_status == CaseStatus.GESLOTEN:
            closing.setdefault(row.case_id, row)
        elif kind == "reply" or (kind in ("contact_attempt", "work_started") and row.params.get("reached") == "ja"):
            reached.setdefault(row.case_id, row)
        if kind in ("contact_attempt", "work_started", "visit_planned"):
            touched.add(row.case_id)
    if touched:
        CaseOutreachStep.objects.filter(case_id__in=touched, status=StepStatus.TAAK,
                                        task__status=TaskStatus.GEDAAN).update(status=StepStatus.GEDAAN)
    if closing:
        CaseTask.objects.filter(case_id__in=list(closing), status=TaskStatus.OPEN).update(
            status=TaskStatus.VERVALLEN, done_at=min(row.at for row in closing.values()))
    events = {**reached, **closing}
    if not events:
        return
    for run in CaseOutreach.objects.filter(case_id__in=list(events), stopped_at__isnull=True).select_related("case"):
        row = events[run.case_id]
        if run.case_id in closing:
            reason = StopReason.TERMIJN if row.params.get("kind") == "expired" else StopReason.GESLOTEN
        else:
            reason = StopReason.BEREIKT
        _stop_locked(run, run.case, reason=reason, by=None, now=row.at)


# --- the plan editor -----------------------------------------------------------------------------------


def plan_save(*, plan: OutreachPlan | None, fields: dict, trays, steps: list[dict], by) -> OutreachPlan:
    """Create or change a plan with its trays and steps (``steps``: dicts of position, day_offset, kind,
    external; a step is known by its number). Running cases keep the steps they started with."""
    with transaction.atomic():
        if plan is None:
            plan = OutreachPlan(**fields)
        else:
            plan = OutreachPlan.objects.select_for_update().get(pk=plan.pk)
            for name, value in fields.items():
                if name != "municipality":
                    setattr(plan, name, value)
        plan.updated_by = by
        plan.save()
        plan.trays.set(trays)
        existing = {step.position: step for step in plan.steps.all()}
        wanted = {spec["position"]: spec for spec in steps}
        for position, step in existing.items():
            if position not in wanted:
                step.delete()
        for position, spec in wanted.items():
            step = existing.get(position) or OutreachStep(plan=plan, position=position)
            step.day_offset, step.kind, step.external = spec["day_offset"], spec["kind"], spec["external"]
            step.save()
    return plan
