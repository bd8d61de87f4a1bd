"""The DDAS v1.2 export: the message of ``json_schema_Uitwisselmodel.json`` for one municipality and one
delivery period, written as a stream (docs/monitor.md, "DDAS v1.2"; the mapping: docs/design/ddas-v1.2-mapping.md).

What goes in, for the period ``start``..``end`` (both days included):

- *vroegsignalen*: the municipality's ``SignalFact`` rows received in the period, each with its stable
  ``export_id`` as ``ID``, its signal partner, amount, dates and derived status (``monitor.ddas_vocab``);
- *vroegsignaalzaken*: its ``CaseFact`` rows opened in the period, each with the IDs of its signals and
  its ``AttemptFact`` rows as *contactpogingen*.

The client is the only personal data, minimised as v1.2 requires and read from the live signal
(``SignalFact.signal_ref``): the BSN alone when known, else postcode and house number (with the letter and
addition joined, and the birth date). A signal whose personal data was purged has no client and cannot be
sent (the schema requires one): it is left out and counted as *al vernietigd*.

Memory stays flat: facts are read with ``.iterator(chunk_size=…)`` and the live client data, case facts
and attempts are fetched per chunk; the JSON is written piece by piece.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.conf import settings
from django.utils import timezone

from accounts.models import Municipality
from cases.models import CaseStatus
from signals.models import Signal
from vroegsignalering.common.vocab import Outcome, Reached

from .ddas_vocab import signal_partner, signal_status
from .models import AttemptFact, CaseFact, SignalFact

CHUNK_SIZE = 2000
_REACHED = {Reached.JA: True, Reached.NEE: False}  # onbekend: the field is left out


@dataclasses.dataclass
class DdasSummary:
    """What one export holds, in counts only (the audit event and the screen's message; no personal data)."""

    gemeentecode: str
    van: dt.date
    tot: dt.date
    vroegsignalen: int = 0
    zaken: int = 0
    contactpogingen: int = 0
    al_vernietigd: int = 0
    per_status: Counter = dataclasses.field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        return {"vroegsignalen": self.vroegsignalen, "zaken": self.zaken, "contactpogingen": self.contactpogingen,
                "al vernietigd": self.al_vernietigd,
                **{f"status {status}": n for status, n in sorted(self.per_status.items())}}

    def lines(self) -> list[str]:
        """The counts as ``name=number``, for the audit event's list and the command's output."""
        return [f"{name}={number}" for name, number in self.counts().items()]

    @property
    def reference(self) -> str:
        """The delivery without personal data: municipality and period."""
        return f"{self.gemeentecode}:{self.van.isoformat()}..{self.tot.isoformat()}"

    @staticmethod
    def period_of(reference: str) -> tuple[dt.date, dt.date] | None:
        """The period of a delivery's ``reference`` (as an audit event names it); None if it is not one."""
        try:
            start, end = (dt.date.fromisoformat(day) for day in reference.split(":", 1)[1].split(".."))
        except (IndexError, ValueError):
            return None
        return start, end

    def filename(self) -> str:
        return f"ddas-{self.gemeentecode}-{self.van.isoformat()}-{self.tot.isoformat()}.json"


def supplier_code() -> str:
    """``codeGegevensleverancier``: the software's name and version (FAQ), or the installation's setting."""
    return settings.DDAS_SUPPLIER_CODE


def organisation(municipality: Municipality) -> dict:
    """``aanleverendeOrganisatie``: the municipality's name, KvK number and DDAS contact, empty fields left
    out (``contactpersonen`` has ``minItems: 1``, so it is there only when a contact is configured)."""
    result = {"naam": municipality.name}
    if municipality.kvk_number:
        result["kvk-nummer"] = municipality.kvk_number
    contact = {key: value for key, value in (
        ("naam", municipality.ddas_contact_name), ("telefoonnummer", municipality.ddas_contact_phone),
        ("email", municipality.ddas_contact_email), ("functietitel", municipality.ddas_contact_function),
    ) if value}
    if contact:
        result["contactpersonen"] = [contact]
    return result


def signal_facts(municipality: Municipality, start: dt.date, end: dt.date):
    # Signals by their signal date, as the monitor counts them (and as the period close matches them).
    return SignalFact.objects.filter(municipality=municipality, signal_date__gte=start, signal_date__lte=end)


def case_facts(municipality: Municipality, start: dt.date, end: dt.date):
    # A zaak belongs to the delivery its matching period ends in (as the monitor counts it in that month).
    return CaseFact.objects.filter(municipality=municipality, period_end__gte=start, period_end__lte=end)


def client(bsn: str, postcode: str, house_number, house_letter: str, addition: str, birth_date) -> dict | None:
    """The v1.2 client: the BSN alone (the schema forbids anything beside it), else postcode and house number
    (a string), the letter and addition joined with a space, and the birth date; None when nothing is left."""
    if bsn and len(bsn) == 9:
        return {"burgerservicenummer": bsn}
    if not postcode or not house_number:
        return None
    result = {"postcode": postcode, "huisnummer": str(house_number)}
    suffix = " ".join(part for part in (house_letter, addition) if part)
    if suffix:
        result["huisnummertoevoeging"] = suffix
    if birth_date:
        result["geboortedatum"] = birth_date.isoformat()
    return result


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_SIGNAL_FIELDS = ("signal_ref", "export_id", "creditor_kind", "is_crisis", "warm_handover", "amount_euros",
                  "arrear_start", "signal_date", "status", "outcome", "case_ref")
_CLIENT_FIELDS = ("pk", "bsn", "postcode", "house_number", "house_letter", "house_number_addition", "birth_date")


def _signals(municipality, start, end, summary: DdasSummary, chunk_size: int) -> Iterator[dict]:
    facts = signal_facts(municipality, start, end).order_by("received_on", "pk").values_list(*_SIGNAL_FIELDS)
    for batch in _chunks(facts.iterator(chunk_size=chunk_size), chunk_size):
        live = {row[0]: row[1:] for row in Signal.objects.filter(pk__in=[f[0] for f in batch])
                .values_list(*_CLIENT_FIELDS)}
        known_to_shv = set(CaseFact.objects.filter(
            case_ref__in={f[10] for f in batch if f[10] is not None}, closed_at_routing=True,
            outcome=Outcome.BEKEND_BIJ_SHV).values_list("case_ref", flat=True))
        for (ref, export_id, kind, crisis, warm, amount, arrear_start, signal_date, status, outcome,
             case_ref) in batch:
            person = client(*live[ref]) if ref in live else None
            if person is None:
                summary.al_vernietigd += 1
                continue
            state = signal_status(status, outcome, case_outcome=Outcome.BEKEND_BIJ_SHV if case_ref in known_to_shv
                                  else "", closed_at_routing=case_ref in known_to_shv)
            item = {"ID": str(export_id), "crisissignaal": crisis}
            if warm is not None:
                item["warmeOverdracht"] = warm
            item.update({"bedrag": amount, "ontstaansdatum": arrear_start.isoformat(),
                         "signaaldatum": signal_date.isoformat(), "status": state,
                         "signaalpartner": {"type": signal_partner(kind)}, "client": person})
            summary.vroegsignalen += 1
            summary.per_status[state] += 1
            yield item


_CASE_FIELDS = ("case_ref", "status", "outcome", "opened_on", "period_start", "period_end", "closed_at_routing")


def _cases(municipality, start, end, summary: DdasSummary, chunk_size: int) -> Iterator[dict]:
    facts = case_facts(municipality, start, end).order_by("opened_on", "pk").values_list(*_CASE_FIELDS)
    for batch in _chunks(facts.iterator(chunk_size=chunk_size), chunk_size):
        refs = [f[0] for f in batch]
        signals: dict[int, list] = {}
        for case_ref, export_id in (SignalFact.objects.filter(municipality=municipality, case_ref__in=refs)
                                    .order_by("signal_ref").values_list("case_ref", "export_id")):
            signals.setdefault(case_ref, []).append({"ID": str(export_id)})
        attempts: dict[int, list] = {}
        for case_ref, kind, reached, on, dagdeel in (
                AttemptFact.objects.filter(municipality=municipality, case_ref__in=refs)
                .order_by("on", "attempt_ref").values_list("case_ref", "kind", "reached", "on", "dagdeel")):
            attempt = {"soort": kind}
            if reached in _REACHED:
                attempt["bereikt"] = _REACHED[reached]
            attempt.update({"datum": on.isoformat(), "dagdeel": dagdeel})
            attempts.setdefault(case_ref, []).append(attempt)
        for case_ref, status, outcome, opened_on, period_start, period_end, at_routing in batch:
            item = {}
            if status == CaseStatus.GESLOTEN and outcome:
                item["resultaat"] = outcome
            item.update({"matchingsdatum": opened_on.isoformat(), "startdatumMatchingperiode": period_start.isoformat(),
                         "einddatumMatchingperiode": period_end.isoformat()})
            if not at_routing:  # FAQ: picked up when the dossier is made; closed at routing: never picked up
                item["datumOpgepakt"] = opened_on.isoformat()
            if signals.get(case_ref):
                item["vroegsignalen"] = signals[case_ref]
            item["contactpogingen"] = attempts.get(case_ref, [])
            summary.zaken += 1
            summary.contactpogingen += len(item["contactpogingen"])
            yield item


def _array(items: Iterator[dict]) -> Iterator[str]:
    yield "["
    for number, item in enumerate(items):
        yield ("," if number else "") + _dump(item)
    yield "]"


def ddas_message(*, municipality: Municipality, start: dt.date, end: dt.date, summary: DdasSummary,
                 now: dt.datetime | None = None, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The message as pieces of JSON text; ``summary`` is filled while they are produced."""
    if end < start:
        raise ValueError("De einddatum ligt vóór de begindatum.")
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    head = {"startdatumLevering": start.isoformat(), "einddatumLevering": end.isoformat(),
            "aanleverdatumEnTijd": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "codeGegevensleverancier": supplier_code()}
    delivery = {"teller": 1, "gemeentecode": municipality.cbs_code,
                "aanleverendeOrganisatie": organisation(municipality)}
    yield _dump(head)[:-1] + ',"leveringen":[' + _dump(delivery)[:-1] + ',"vroegsignalen":'
    yield from _array(_signals(municipality, start, end, summary, chunk_size))
    yield ',"vroegsignaalzaken":'
    yield from _array(_cases(municipality, start, end, summary, chunk_size))
    yield "}]}"


def ddas_export(out: TextIO, *, municipality: Municipality, start: dt.date, end: dt.date,
                now: dt.datetime | None = None, chunk_size: int = CHUNK_SIZE) -> DdasSummary:
    """Write the message to ``out`` (text) and return its counts."""
    summary = DdasSummary(gemeentecode=municipality.cbs_code, van=start, tot=end)
    for piece in ddas_message(municipality=municipality, start=start, end=end, summary=summary, now=now,
                              chunk_size=chunk_size):
        out.write(piece)
    return summary
