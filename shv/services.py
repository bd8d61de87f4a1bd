"""The SHV check (is the resident already in debt assistance?) and the register import.

The check (Leidraad §3.2.6–3.2.7, DOMAIN.md "Checks on arrival" 2) asks only the register of the
municipality that received the signal; other municipal files may not be consulted.

Reading of the rules, as implemented by :func:`shv_check`:

- **bekend**: the resident has a running product, i.e. one without an end decision or whose end
  decision lies after ``today``. Every product counts (admission decision sent: also guidance with
  aftercare, budget management, budget coaching), including one whose start date is still ahead:
  it is in the register because an admission decision was sent. When several run, the one started
  last is reported (its professional is most likely the one involved now).
  → route to the professional involved; end result "Inwoner al bekend bij schuldhulpverlening".
- **nazorg** ("nog 6 maanden vroegsignaleren"): nothing runs, but an end decision was dated less
  than 6 calendar months before ``today`` (exactly 6 months ago is no longer "less than"). The most
  recently ended product is reported. → route to the aftercare professional; no end result yet.
- **onbekend**: otherwise (also for an end decision 6 months or longer ago): the regular path.
- **beschermingsbewind** is a court measure, not a product with an admission decision: the offer
  must still be made to the resident (Leidraad §3.3). Such rows never make a resident bekend or
  nazorg; the result only says so (``protective_administration``), for the worker.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality
from vroegsignalering.common.dates import add_months
from vroegsignalering.common.vocab import Outcome, ShvStatus

from .adapters import ShvAdapter, ShvProductRecord, ShvUnavailableError, get_adapter
from .csv_import import ShvImportError, parse_shv_csv
from .models import PROTECTIVE_ADMINISTRATION_PRODUCTS, ShvRegistration

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["ShvImportError", "ShvImportResult", "ShvResult", "ShvStatus", "shv_check", "shv_register_import"]

AFTERCARE_MONTHS = 6
BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ShvResult:
    """What the SHV check decided for one BSN on one day, and on which product."""

    status: ShvStatus
    checked_on: dt.date
    source: str  # the adapter's source: "register" or "http"
    product: str = ""
    start_date: dt.date | None = None
    end_decision_date: dt.date | None = None
    protective_administration: bool = False  # a running beschermingsbewind is registered

    @property
    def outcome(self) -> Outcome | None:
        """The DDAS end result this decides at once: only "bekend" ends the signal's own path."""
        return Outcome.BEKEND_BIJ_SHV if self.status == ShvStatus.BEKEND else None

    def as_evidence(self) -> dict:
        """JSON for ``Signal.shv_evidence``: what was decided and on what (internal, never sent)."""
        return {
            "status": str(self.status),
            "product": self.product or None,
            "startdatum": _iso(self.start_date),
            "einddatumBeschikking": _iso(self.end_decision_date),
            "beschermingsbewind": self.protective_administration,
            "peildatum": self.checked_on.isoformat(),
            "bron": self.source,
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def shv_decide(records: Iterable[ShvProductRecord], *, today: dt.date, source: str) -> ShvResult:
    """The decision over one resident's products (pure; see the module docstring)."""
    records = list(records)
    counted = [r for r in records if r.product not in PROTECTIVE_ADMINISTRATION_PRODUCTS]
    protective = any(
        r.end_decision_date is None or r.end_decision_date > today
        for r in records
        if r.product in PROTECTIVE_ADMINISTRATION_PRODUCTS
    )
    running = [r for r in counted if r.end_decision_date is None or r.end_decision_date > today]
    if running:
        current = max(running, key=lambda r: (r.start_date, r.end_decision_date is None, r.product))
        return ShvResult(
            ShvStatus.BEKEND, today, source, current.product, current.start_date, current.end_decision_date,
            protective,
        )
    horizon = add_months(today, -AFTERCARE_MONTHS)
    recent = [r for r in counted if horizon < r.end_decision_date <= today]
    if recent:
        last = max(recent, key=lambda r: (r.end_decision_date, r.start_date, r.product))
        return ShvResult(
            ShvStatus.NAZORG, today, source, last.product, last.start_date, last.end_decision_date, protective
        )
    return ShvResult(ShvStatus.ONBEKEND, today, source, protective_administration=protective)


def shv_check(
    *, municipality: Municipality, bsn: str, today: dt.date, adapter: ShvAdapter | None = None
) -> ShvResult:
    """Is the resident with ``bsn`` known to ``municipality``'s debt assistance on ``today``?

    Only that municipality's register is asked. Raises :class:`shv.adapters.ShvUnavailableError` when
    the register cannot answer (retry later; never read it as "onbekend") and ``ValueError`` for a
    BSN that is not 9 digits (the check needs the BSN the BRP check found).
    """
    if not isinstance(bsn, str) or not re.fullmatch(r"\d{9}", bsn):
        raise ValueError("The SHV check needs a BSN of 9 digits.")
    adapter = adapter or get_adapter()
    records = adapter.registrations(municipality=municipality, bsn=bsn)
    return shv_decide(records, today=today, source=adapter.source)


def shv_check_many(
    *, municipality: Municipality, bsns, today: dt.date, adapter: ShvAdapter | None = None
) -> dict[str, ShvResult | ShvUnavailableError]:
    """:func:`shv_check` for several residents of ``municipality`` (the checks of a chunk): BSN →
    result, or the ``ShvUnavailableError`` for a BSN the register could not answer. An adapter with
    ``registrations_many`` is asked once; any other once per BSN."""
    adapter = adapter or get_adapter()
    wanted = [bsn for bsn in dict.fromkeys(bsns) if isinstance(bsn, str) and re.fullmatch(r"\d{9}", bsn)]
    many = getattr(adapter, "registrations_many", None)
    results: dict[str, ShvResult | ShvUnavailableError] = {}
    if many is not None:
        try:
            found = many(municipality=municipality, bsns=wanted)
        except ShvUnavailableError as exc:
            return dict.fromkeys(wanted, exc)
        return {bsn: shv_decide(found.get(bsn, []), today=today, source=adapter.source) for bsn in wanted}
    for bsn in wanted:
        try:
            results[bsn] = shv_decide(adapter.registrations(municipality=municipality, bsn=bsn), today=today,
                                      source=adapter.source)
        except ShvUnavailableError as exc:
            results[bsn] = exc
    return results


# --- The register import ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShvImportResult:
    rows: int  # distinct registrations in the file
    created: int
    updated: int  # end decision changed
    unchanged: int
    deleted: int  # only when replacing
    duplicates: int  # identical rows in the file, counted once
    ignored_columns: tuple[str, ...]


def shv_register_import(
    *, municipality: Municipality, content: bytes, source: str, replace: bool = False
) -> ShvImportResult:
    """Import an SHV export (CSV, see :mod:`shv.csv_import`) into ``municipality``'s register.

    All or nothing: a file with any error raises :class:`ShvImportError` listing the problems and
    changes nothing (a half-imported register would route residents wrongly).
    ``replace=True`` replaces the municipality's whole register in one transaction (the monthly
    export); otherwise rows are added and the end decision of known rows (same BSN, product and
    start date) is updated. Imports for one municipality are serialised by a row lock.
    """
    parsed = parse_shv_csv(content)
    now = timezone.now()
    source = source[:255]
    created = updated = unchanged = deleted = 0
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        register = ShvRegistration.objects.filter(municipality=municipality)
        if replace:
            deleted = register.count()
            register.delete()
            existing: dict = {}
        else:
            existing = {
                (bsn, product, start): (pk, end)
                for pk, bsn, product, start, end in register.values_list(
                    "pk", "bsn", "product", "start_date", "end_decision_date"
                )
            }
        new_rows: list[ShvRegistration] = []
        changed_rows: list[ShvRegistration] = []
        for row in parsed.rows:
            known = existing.get(row.key)
            if known is None:
                new_rows.append(
                    ShvRegistration(
                        municipality=municipality, bsn=row.bsn, product=row.product, start_date=row.start_date,
                        end_decision_date=row.end_decision_date, imported_at=now, source=source,
                    )
                )
            elif known[1] != row.end_decision_date:
                changed_rows.append(
                    ShvRegistration(
                        pk=known[0], end_decision_date=row.end_decision_date, imported_at=now, source=source
                    )
                )
            else:
                unchanged += 1
        ShvRegistration.objects.bulk_create(new_rows, batch_size=BATCH_SIZE)
        ShvRegistration.objects.bulk_update(
            changed_rows, ["end_decision_date", "imported_at", "source"], batch_size=BATCH_SIZE
        )
        created, updated = len(new_rows), len(changed_rows)
    return ShvImportResult(
        rows=len(parsed.rows), created=created, updated=updated, unchanged=unchanged, deleted=deleted,
        duplicates=parsed.duplicates, ignored_columns=parsed.ignored_columns,
    )
