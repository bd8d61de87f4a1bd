"""The team lead's and operator's writes: assigning cases (one or in bulk), tray capacity, and a
municipality's case policy."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import CASEWORK_ROLES, Municipality
from vroegsignalering.common.bulk import bulk_insert

from ..exceptions import CaseActionError
from ..models import ACTIVE_STATUSES, Case, CaseEvent, CaseHistory, CasePolicy, Tray
from ..refusals import CaseRefusal
from ._writes import _actor_name, _history

logger = logging.getLogger("cases.services")

@dataclass(frozen=True)
class BulkAssignResult:
    """What a bulk assignment changed: ``changed`` cases got the worker; ``unchanged`` already had it."""

    worker: object
    changed: list[Case]
    unchanged: list[Case]

    @property
    def count(self) -> int:
        return len(self.changed) + len(self.unchanged)


def _case_numbers(cases: Sequence[Case]) -> str:
    numbers = [str(case.pk) for case in cases]
    shown = ", ".join(numbers[:10])
    return shown + (f" en {len(numbers) - 10} meer" if len(numbers) > 10 else "")


def cases_assign_bulk(*, cases: Iterable[Case], worker, by, now: dt.datetime | None = None) -> BulkAssignResult:
    """Assign several cases to one worker (or, with ``worker`` None, unassign them), all or nothing.

    All or nothing, because the team lead picks a batch for one person: applying part of it would
    leave them to work out which cases did move. When any case cannot take the worker (closed, or of
    a municipality the worker does not work for) nothing changes and the ``CaseActionError`` names
    those cases; the lead deselects them and tries again. The worker must be active and have a
    case-working role. Cases that already have this worker are left alone (no history row)."""
    now = now or timezone.now()
    ids = sorted({case.pk for case in cases})
    if not ids:
        raise CaseActionError("Kies minstens één melding.", code=CaseRefusal.GEEN_MELDING,
                              fields={"melding": "Kies minstens één melding."})
    if worker is not None and (not worker.is_active or worker.role not in CASEWORK_ROLES):
        text = f"{_actor_name(worker)} behandelt geen meldingen; kies een vroegsignaleerder of teamleider."
        raise CaseActionError(text, code=CaseRefusal.ROL, fields={"medewerker": text})
    with transaction.atomic():
        locked = list(Case.objects.select_for_update(of=("self",)).select_related("municipality")
                      .filter(pk__in=ids).order_by("pk"))
        missing = sorted(set(ids) - {case.pk for case in locked})
        if missing:
            raise CaseActionError(f"Melding {', '.join(map(str, missing))} bestaat niet.", code=CaseRefusal.ONBEKEND,
                                  fields={"melding": "Een gekozen melding bestaat niet (meer)."})
        closed = [case for case in locked if case.status not in ACTIVE_STATUSES]
        foreign = []
        if worker is not None:
            allowed = set(worker.municipalities.values_list("pk", flat=True))
            foreign = [case for case in locked if case.municipality_id not in allowed]
        problems, fields = [], {}
        if closed:
            problems.append(f"melding {_case_numbers(closed)} is gesloten")
            fields["melding"] = "Alleen lopende meldingen kunnen worden toegewezen."
        if foreign:
            places = sorted({case.municipality.name for case in foreign})
            problems.append(f"{_actor_name(worker)} werkt niet voor de gemeente {' en '.join(places)} "
                            f"(melding {_case_numbers(foreign)})")
            fields["medewerker"] = f"{_actor_name(worker)} werkt niet voor de gemeente {' en '.join(places)}."
        if problems:
            raise CaseActionError(f"Niets toegewezen: {'; '.join(problems)}. Er is niets gewijzigd.",
                                  code=CaseRefusal.TOEWIJZEN, fields=fields)
        worker_id = worker.pk if worker is not None else None
        changed = [case for case in locked if case.assigned_to_id != worker_id]
        unchanged = [case for case in locked if case.assigned_to_id == worker_id]
        if changed:
            Case.objects.filter(pk__in=[case.pk for case in changed]).update(assigned_to=worker)
            params = {"kind": "assigned", "worker_id": worker_id,
                      "worker": _actor_name(worker) if worker is not None else None}
            bulk_insert(CaseHistory, [_history(case, at=now, by=by, event=CaseEvent.ASSIGNED, to_status=case.status,
                                               params=params) for case in changed])
            for case in changed:
                case.assigned_to = worker
    return BulkAssignResult(worker=worker, changed=changed, unchanged=unchanged)


def case_assign(*, case: Case, worker, by, now: dt.datetime | None = None) -> Case:
    """Assign (or, with ``worker`` None, unassign) one case: :func:`cases_assign_bulk` for a single case,
    with its checks (an active worker or team lead of the case's municipality, a case that is not
    closed). Returns the case as it is now."""
    result = cases_assign_bulk(cases=[case], worker=worker, by=by, now=now)
    return (result.changed or result.unchanged)[0]


MAX_TRAY_CAPACITY = 100_000


def tray_capacity_update(*, capacities: dict[Tray, int | None], by, now: dt.datetime | None = None) -> list[Tray]:
    """Set the monthly capacity of one or more trays (None = unlimited), all or nothing.

    Every value is checked first; any bad value raises a ``CaseActionError`` whose ``fields`` name the
    tray's input (``capaciteit-<tray id>``), and nothing changes. Returns the trays that changed. The
    new capacity counts from the next period close (cases already routed stay where they are)."""
    now = now or timezone.now()
    errors = {}
    for tray, value in capacities.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[f"capaciteit-{tray.pk}"] = f"Geef voor {tray.name} een heel getal, of laat het veld leeg."
        elif value < 0:
            errors[f"capaciteit-{tray.pk}"] = f"De capaciteit van {tray.name} kan niet negatief zijn."
        elif value > MAX_TRAY_CAPACITY:
            errors[f"capaciteit-{tray.pk}"] = (f"De capaciteit van {tray.name} is te groot "
                                              f"(hoogstens {MAX_TRAY_CAPACITY:,}).".replace(",", "."))
    if errors:
        raise CaseActionError(" ".join(errors.values()), code=CaseRefusal.VELDEN, fields=errors)
    wanted = {tray.pk: value for tray, value in capacities.items()}
    changed = []
    with transaction.atomic():
        for tray in Tray.objects.select_for_update().filter(pk__in=list(wanted)).order_by("pk"):
            if tray.monthly_capacity == wanted[tray.pk]:
                continue
            before, tray.monthly_capacity = tray.monthly_capacity, wanted[tray.pk]
            tray.save(update_fields=["monthly_capacity"])
            changed.append(tray)
            logger.info("Capacity of tray %s (%s) changed from %s to %s by %s at %s", tray.pk, tray.code, before,
                        tray.monthly_capacity, _actor_name(by), now.isoformat())
    return changed


def case_policy_update(*, municipality: Municipality, by=None, **changes) -> list[str]:
    """Change a municipality's case policy (``repeat_window_months``, ``reopen_term_months``,
    ``default_tray``), creating it when absent; validated first, all or nothing (``ValidationError``
    with Dutch messages per field, also when the municipality's retention term is shorter than the
    policy's terms). Returns the names of the fields that changed."""
    allowed = {"repeat_window_months", "reopen_term_months", "default_tray"}
    if set(changes) - allowed:
        raise ValueError(f"Unknown case policy settings: {', '.join(sorted(set(changes) - allowed))}")
    with transaction.atomic():
        policy, _ = CasePolicy.objects.select_for_update().get_or_create(municipality=municipality)
        policy.municipality = Municipality.objects.get(pk=municipality.pk)  # its retention term as stored now
        changed = [name for name, value in changes.items() if getattr(policy, name) != value]
        for name in changed:
            setattr(policy, name, changes[name])
        # Also when nothing changed here: the municipality's retention term may just have changed in
        # this transaction, and must still cover the policy's terms (ADR 0011).
        policy.full_clean()  # raises ValidationError: the transaction rolls back
        if changed:
            policy.save(update_fields=changed)
            logger.info("Case policy of %s changed by %s: %s", municipality.cbs_code, _actor_name(by),
                        ", ".join(changed))
    return changed
