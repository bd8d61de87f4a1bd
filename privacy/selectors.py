"""Reading the purge reports, scoped to what a functional administrator may see."""
from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Municipality
from accounts.permissions import is_superuser

from .models import INSTALLATION, PurgeRun
from .report import ReportLine, report_lines, scope_label

RUNS_SHOWN = 60


@dataclass(frozen=True)
class ScopeReport:
    label: str
    lines: list[ReportLine]
    never_ended: int


@dataclass(frozen=True)
class RunReport:
    run: PurgeRun
    scopes: list[ScopeReport]

    @property
    def total(self) -> int:
        return sum(line.count for scope in self.scopes for line in scope.lines)


def purge_reports_for_user(user, *, limit: int = RUNS_SHOWN) -> list[RunReport]:
    """The latest runs, each with only the counts of the user's own municipalities (a superuser: all, with the
    installation-wide counts). Counts only: a run holds no ids and no personal data."""
    if is_superuser(user):
        municipalities = dict(Municipality.objects.values_list("cbs_code", "name"))
        keys = set(municipalities) | {INSTALLATION}
    else:
        municipalities = dict(user.municipalities.values_list("cbs_code", "name"))
        keys = set(municipalities)
    reports = []
    for run in PurgeRun.objects.order_by("-started_at", "-pk")[:limit]:
        scopes = [ScopeReport(scope_label(key, municipalities), report_lines(tables),
                              int(run.never_ended.get(key, 0)))
                  for key, tables in sorted(run.counts.items(), key=lambda item: (item[0] == INSTALLATION, item[0]))
                  if key in keys]
        reports.append(RunReport(run, [scope for scope in scopes if scope.lines]))
    return reports
