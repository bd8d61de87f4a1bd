"""The services of the CSV import of signals: store an upload, process it, give up on stalled ones.

Judging and storing is done by :func:`signals.services.delivery_create`, the same code path as
the REST API, in chunks of 1,000 rows (one delivery per chunk, source ``csv``). Reading the file
is :mod:`signals.csv_format`; the reads (role and creditor scoping) are :mod:`signals.csv_selectors`.
"""
import datetime as dt
import logging
import math
import re
import time
import traceback
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .csv_columns import row_to_item
from .csv_format import CsvFileError, inspect_csv, iter_rows, printable
from .csv_selectors import FINISHED_STATES, csv_import_municipalities_for_user, csv_imports_open_count
from .models import Creditor, CsvImport, Source
from .schemas import MAX_SIGNALS_PER_DELIVERY, FieldError, Unusable, has_unstorable_text
from .services import AL_ONTVANGEN, GEWEIGERD, ONTVANGEN, delivery_create
from .tasks import csv_import_process

logger = logging.getLogger(__name__)

CHUNK_SIZE = MAX_SIGNALS_PER_DELIVERY


def _raw_signal_id(columns: tuple[str, ...], cells: list[str]) -> str | None:
    index = columns.index("signaalId")
    value = cells[index].strip() if index < len(cells) else ""
    if has_unstorable_text(value):
        return None  # a control character cannot go into the report either
    return value[:64] or None


_INDEXED = re.compile(r"\[(\d+)\]")


def _for_csv(error: FieldError | Unusable) -> dict:
    """A field error or warning in the words of the CSV file: its column, ja/nee, the n-th phone number."""
    name, reason = error.name, error.reason
    if name == "warmeOverdracht" and error.code == "invalid":
        reason = "Vul ja of nee in."
    name = _INDEXED.sub(lambda match: f" (nummer {int(match.group(1)) + 1})", name)
    return FieldError(name, error.code, reason).as_contract()


def _row_result(row_number: int, signal_id: str | None, status: str, errors: Iterable[FieldError] = (),
                warnings: Iterable[Unusable] = ()) -> dict:
    """One row of the import report: ``fouten`` refuse the row, ``waarschuwingen`` name the optional
    values that could not be used (the signal is stored without them)."""
    result: dict[str, Any] = {"regel": row_number, "signaalId": signal_id, "status": status}
    fouten = [_for_csv(error) for error in errors]
    if fouten:
        result["fouten"] = fouten
    waarschuwingen = [_for_csv(warning) for warning in warnings]
    if waarschuwingen:
        result["waarschuwingen"] = waarschuwingen
    return result


def _outside_municipalities(item: dict, municipality_codes: dict[str, str]) -> list[FieldError]:
    """A functional administrator's upload: a row for another gemeentecode is refused (security review D5)."""
    code = item.get("gemeentecode")
    if code in municipality_codes:
        return []
    own = ", ".join(f"{code} ({name})" for code, name in sorted(municipality_codes.items()))
    return [FieldError("gemeentecode", "not_your_municipality",
                       f"U kunt alleen signalen importeren voor uw eigen gemeenten: {own}.")]


def process_rows(*, creditor: Creditor, columns: tuple[str, ...], rows: list[tuple[int, list[str]]],
                 actor: str = "", municipality_codes: dict[str, str] | None = None):
    """Hand one chunk (≤ 1,000 rows) to the delivery service; return (delivery, row results).
    ``municipality_codes`` (code → name): only rows for these municipalities (None: any)."""
    results: list[dict | None] = [None] * len(rows)
    items: list[dict] = []
    positions: list[int] = []
    for position, (row_number, cells) in enumerate(rows):
        item, errors = row_to_item(columns, cells)
        if not errors and municipality_codes is not None:
            errors = _outside_municipalities(item, municipality_codes)
        if errors:
            results[position] = _row_result(row_number, _raw_signal_id(columns, cells), GEWEIGERD, errors)
        else:
            items.append(item)
            positions.append(position)
    delivery = None
    if items:
        delivery, outcomes = delivery_create(creditor=creditor, items=items, source=Source.CSV, actor=actor)
        for position, outcome in zip(positions, outcomes, strict=True):
            results[position] = _row_result(rows[position][0], outcome.signal_id, outcome.status, outcome.errors,
                                            outcome.warnings)
    return delivery, results


# --- Services --------------------------------------------------------------------------------

# Still no progress after this long (a lost worker, an import that kills its worker): failed. (An
# import without progress for STALLED_AFTER, see signals.csv_selectors, is re-enqueued first.)
GIVE_UP_AFTER = dt.timedelta(hours=2)
# An import still waiting for its first step after this long is failed too (no worker takes it). A queue
# that is merely busy reaches it well within this; a waiting import is re-enqueued after STALLED_AFTER.
GIVE_UP_WAITING_AFTER = dt.timedelta(hours=24)
# Database errors worth another try (a lost connection, a deadlock or serialization failure): the
# task retries and continues where the work stands. Any other error is the file's or a bug, and
# would fail the same way again: the import ends `mislukt`.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
RESUBMIT = "Lever het bestand gerust opnieuw aan: signalen die al ontvangen zijn, worden niet dubbel opgeslagen."
FAILURE_MESSAGE = (
    "Er ging iets onverwachts mis bij het verwerken van dit bestand. De regels die al verwerkt zijn, "
    "staan hieronder. " + RESUBMIT + " Blijft dit gebeuren, neem dan contact op met de functioneel beheerder."
)
RESULT_TEXT_MAX = 500  # characters of any text kept in the stored results (an over-long signaalId, …)


def _check_open_imports(creditor: Creditor, uploaded_by, max_open: int | None) -> None:
    if max_open is None:
        return
    running = csv_imports_open_count(creditor=creditor, user=uploaded_by)
    if running >= max_open:
        raise CsvFileError(
            f"Er {'loopt' if running == 1 else 'lopen'} al {running} import{'' if running == 1 else 's'} van u of "
            f"voor {creditor.name} die nog niet klaar {'is' if running == 1 else 'zijn'}; er mogen er hoogstens "
            f"{max_open} tegelijk lopen. Wacht tot een import klaar is en lever het bestand dan opnieuw aan."
        )


def csv_import_create(*, creditor: Creditor, uploaded_by=None, file_name: str, content: bytes,
                      enqueue: bool = True, max_open: int | None = None) -> CsvImport:
    """Check the file as a whole, store it as a waiting import and (on commit) enqueue its processing.

    With ``max_open`` (the web upload), refused while that many imports of the same creditor or
    uploader are still waiting or running: each holds its file in the database until it ends.
    Raises :class:`CsvFileError` when the file cannot be imported; nothing is stored then.
    """
    if not creditor.is_active:
        raise CsvFileError(f"Vastelastenpartner {creditor.name} is niet actief.")
    limited_to = csv_import_municipalities_for_user(user=uploaded_by) if uploaded_by is not None else None
    if limited_to == []:
        raise CsvFileError("U hoort bij geen gemeente, dus u kunt geen signalen importeren.")
    _check_open_imports(creditor, uploaded_by, max_open)  # before the work of reading the file
    layout = inspect_csv(content)
    with transaction.atomic():
        if max_open is not None:  # one upload at a time per creditor decides (the creditor's row lock)
            Creditor.objects.select_for_update().filter(pk=creditor.pk).exists()
            _check_open_imports(creditor, uploaded_by, max_open)
        csv_import = CsvImport.objects.create(
            creditor=creditor,
            uploaded_by=uploaded_by,
            file_name=printable((file_name or "import.csv")[-255:], 255),
            content=content,
            rows_total=layout.rows_total,
        )
        if limited_to:
            csv_import.municipalities.set(limited_to)
        if enqueue:
            csv_import_process.delay_on_commit(str(csv_import.pk))
    return csv_import


def csv_import_run(*, import_id, time_budget: float | None = None,
                   reraise: tuple[type[BaseException], ...] = ()) -> bool:
    """Process (the rest of) an import chunk by chunk; True when nothing remains to do.

    Every import ends: ``klaar``, or ``mislukt`` with a Dutch reason naming the rows concerned,
    and the uploaded file is dropped either way. Only :data:`TRANSIENT_ERRORS` (and ``reraise``,
    e.g. the worker's soft time limit) leave it open, for a retry or the sweeper.

    Idempotent and safe to run twice at once: each step (one or more chunks, see
    :func:`_rows_per_step`) is judged, stored and counted in one transaction that holds the
    import's row lock and starts at the stored ``rows_done``, so a retried or duplicated run
    continues where the work stands and never handles a row twice. With a ``time_budget``
    (seconds) it stops after the step that exceeds it and returns False.
    """
    in_hand: list[int] = []  # the row numbers of the step being processed
    try:
        return _run(import_id, time_budget, in_hand)
    except (*TRANSIENT_ERRORS, *reraise):
        raise
    except CsvFileError as exc:  # the stored file no longer passes (e.g. a lower size limit)
        _finish(import_id, CsvImport.State.MISLUKT, error=" ".join(exc.messages))
        return True
    except Exception as exc:
        # The log gets the type and the stack, not the message: that may quote a row's personal data.
        logger.error(
            "CSV import %s failed with %s%s\n%s", import_id, type(exc).__name__,
            f" in rows {in_hand[0]}-{in_hand[-1]}" if in_hand else "",
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        _finish(import_id, CsvImport.State.MISLUKT, error=_failure_message(in_hand))
        return True


def _failure_message(in_hand: list[int]) -> str:
    if not in_hand:
        return FAILURE_MESSAGE
    return (
        f"Er ging iets onverwachts mis bij het verwerken van regel {in_hand[0]} tot en met {in_hand[-1]}. "
        "Die regels en de regels erna zijn niet verwerkt; de regels ervoor wel (zie hieronder). "
        + RESUBMIT + " Blijft dit gebeuren, neem dan contact op met de functioneel beheerder."
    )


def _run(import_id, time_budget: float | None, in_hand: list[int]) -> bool:
    csv_import = (CsvImport.objects.select_related("creditor", "uploaded_by").defer("content", "results")
                  .filter(pk=import_id).first())
    if csv_import is None or csv_import.state in FINISHED_STATES:
        return True
    content = bytes(CsvImport.objects.values_list("content", flat=True).get(pk=import_id))  # one copy kept
    layout = inspect_csv(content)
    actor = csv_import.uploaded_by.get_username() if csv_import.uploaded_by else ""
    municipality_codes = dict(csv_import.municipalities.values_list("cbs_code", "name")) or None
    CsvImport.objects.filter(pk=import_id, state=CsvImport.State.WACHTEND).update(state=CsvImport.State.BEZIG)
    rows_per_step = _rows_per_step(layout.rows_total)
    started = time.monotonic()
    rows: Iterator[tuple[int, list[str]]] | None = None
    position = -1
    results: list[dict] = []
    while True:
        with transaction.atomic():
            current = CsvImport.objects.select_for_update().only("state", "rows_done").get(pk=import_id)
            if current.state in FINISHED_STATES:
                return True
            if current.rows_done >= layout.rows_total:
                _finish(import_id, CsvImport.State.KLAAR)
                return True
            if rows is None or position != current.rows_done:
                # First step of this run, or another run got ahead: continue where the work stands.
                position = current.rows_done
                rows = iter_rows(content, layout, skip=position)
                results = list(CsvImport.objects.values_list("results", flat=True).get(pk=import_id))[:position]
            step = list(islice(rows, rows_per_step))
            if not step:  # cannot happen: rows_total was counted from the same bytes
                _finish(import_id, CsvImport.State.KLAAR)
                return True
            in_hand[:] = [step[0][0], step[-1][0]]
            step_results: list[dict] = []
            for start in range(0, len(step), CHUNK_SIZE):
                delivery, chunk_results = process_rows(
                    creditor=csv_import.creditor, columns=layout.columns,
                    rows=step[start : start + CHUNK_SIZE], actor=actor, municipality_codes=municipality_codes,
                )
                step_results.extend(_storable(chunk_results))
                if delivery is not None:
                    csv_import.deliveries.add(delivery)
            results.extend(step_results)
            position += len(step)
            statuses = [result["status"] for result in step_results]
            # An import the sweeper gave up on meanwhile stays failed: stop (a new upload of the file
            # answers al_ontvangen for the rows already stored).
            updated = CsvImport.objects.filter(pk=import_id).exclude(state__in=FINISHED_STATES).update(
                state=CsvImport.State.BEZIG,
                rows_total=layout.rows_total,
                rows_done=position,
                results=results,
                progress_at=timezone.now(),
                count_received=F("count_received") + statuses.count(ONTVANGEN),
                count_already_received=F("count_already_received") + statuses.count(AL_ONTVANGEN),
                count_refused=F("count_refused") + statuses.count(GEWEIGERD),
            )
            if not updated:
                return True
        in_hand.clear()
        if time_budget is not None and time.monotonic() - started > time_budget:
            return False


def _storable(value: Any) -> Any:
    """Results as the database (PostgreSQL's jsonb) takes them: no NUL or lone surrogate, bounded texts."""
    if isinstance(value, str):
        return printable(value, RESULT_TEXT_MAX)
    if isinstance(value, dict):
        return {key: _storable(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(inner) for inner in value]
    return value


def _rows_per_step(rows_total: int) -> int:
    """Rows per transaction: one chunk for files up to 20 chunks, else about 5 % of the file.

    Each step rewrites the results so far, so a step per chunk would make a huge file quadratic;
    about twenty steps keep that cheap while the progress bar still moves. At most ten chunks, so
    that no transaction holds its locks for long.
    """
    chunks = math.ceil(rows_total / CHUNK_SIZE / 20)
    return CHUNK_SIZE * max(1, min(10, chunks))


def _finish(import_id, state: str, *, error: str = "") -> None:
    """Mark the import finished and drop the uploaded file: the signals now hold what is needed."""
    CsvImport.objects.filter(pk=import_id).exclude(state__in=FINISHED_STATES).update(
        state=state, error=printable(error, 500), content=b""
    )


def csv_imports_give_up(*, older_than: dt.timedelta = GIVE_UP_AFTER,
                        waiting_longer_than: dt.timedelta = GIVE_UP_WAITING_AFTER) -> list:
    """Fail the open imports that stopped; drop any file a finished import kept.

    For the sweeper: so that no import stays ``wachtend`` or ``bezig`` for ever, whatever stopped it.
    An import ``bezig`` without progress for ``older_than`` stalled; one still ``wachtend`` after
    ``waiting_longer_than`` was never taken up (a queue that is only busy gets there long before).
    Returns the ids of the imports failed.
    """
    now = timezone.now()
    stalled = list(
        CsvImport.objects.filter(
            Q(state=CsvImport.State.BEZIG, progress_at__lt=now - older_than)
            | Q(state=CsvImport.State.WACHTEND, progress_at__lt=now - waiting_longer_than)
        ).values_list("pk", "state", "rows_done", "rows_total")[:100]
    )
    for import_id, state, rows_done, rows_total in stalled:
        results = CsvImport.objects.values_list("results", flat=True).get(pk=import_id)
        last_row = max((result["regel"] for result in results[:rows_done]), default=None)
        if last_row is None:
            done = "Er is geen enkele regel verwerkt."
        else:
            done = (f"Verwerkt zijn {rows_done} van de {rows_total} signalen, tot en met regel {last_row}; "
                    f"regel {last_row + 1} en verder zijn niet verwerkt.")
        if state == CsvImport.State.WACHTEND:
            why = f"De verwerking is na {_hours(waiting_longer_than)} uur nog niet begonnen."
        else:
            why = f"De verwerking is blijven steken en na {_hours(older_than)} uur zonder voortgang afgebroken."
        _finish(import_id, CsvImport.State.MISLUKT, error=f"{why} {done} {RESUBMIT}")
        logger.warning("Gave up on stalled CSV import %s after %s rows.", import_id, rows_done)
    CsvImport.objects.filter(state__in=FINISHED_STATES).exclude(content=b"").update(content=b"")
    return [import_id for import_id, *_ in stalled]


def _hours(period: dt.timedelta) -> str:
    return f"{period.total_seconds() / 3600:g}".replace(".", ",")


