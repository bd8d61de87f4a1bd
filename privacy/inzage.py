"""The inzage report (AVG art. 15): everything the system holds on one resident, for the functional
administrator of the municipality the request is made to.

A request (:class:`InzageVraag`) names one municipality and either a BSN or an address. A BSN finds the
signals whose checks established that BSN (a signal without a BSN yet, still in the checks or in fallout,
is found only by address); an address finds every signal at that address, so **every person** at it. The
report (:func:`inzage_rapport`) is one plain structure of dicts and lists with Dutch keys: the JSON download
is this structure, the PDF and the result page are made from it (``privacy.inzage_pdf``).

What is left out, on purpose: other persons' data that the BRP evidence holds (fallout candidates, parents,
the household's members: only their number), the query log of the BRP check (only how many queries), the
signals of other persons in a shared case (a case is the household's; only this person's signals and the
case's own data are listed), and any other municipality's data. Who read the data comes from the audit
trail (``privacy.inzage_audit``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import Municipality
from accounts.permissions import is_functional_admin
from cases.history import case_history_text
from cases.models import Case, CaseHistory, CaseSignal
from cases.retention import case_retention_notice, signal_destroy_on
from contacts.models import ContactAttempt, PlannedVisit
from feedback.models import FeedbackEvent
from shv.models import ShvRegistration
from signals import normalise
from signals.history import signal_history_text
from signals.models import FalloutDecision, Signal, SignalHistory
from signals.selectors import signal_unusable_values

from .inzage_audit import audit_reads, ddas_deliveries

REPORT_VERSION = 1

# The BRP evidence's own facts about the person (``signals.brp.decision.BrpDecision.as_evidence``); the groups
# of other persons (kandidaten, ouders, huishouden) and the query log are summarised, never copied.
_BRP_OWN_KEYS = ("uitkomst", "uitkomst_omschrijving", "gecontroleerd_op", "bsn", "naam", "geboortedatum", "leeftijd",
                 "minderjarig", "gemeente_van_inschrijving", "verhuisd_naar_gemeente", "overlijdensdatum", "land",
                 "minderjarigen_in_huishouden", "toelichting")


@dataclass(frozen=True)
class InzageVraag:
    """One request: the municipality it is made to, and a BSN or an address (normalised)."""

    gemeente_id: int
    bsn: str = ""
    postcode: str = ""
    huisnummer: int | None = None
    huisletter: str = ""
    toevoeging: str = ""

    @property
    def op_adres(self) -> bool:
        return not self.bsn

    @property
    def adressleutel(self) -> str:
        return normalise.address_key(self.postcode, self.huisnummer, self.huisletter, self.toevoeging)

    @property
    def adres_tekst(self) -> str:
        number = f"{self.huisnummer}{self.huisletter}" + (f"-{self.toevoeging}" if self.toevoeging else "")
        return f"{self.postcode} {number}"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> InzageVraag | None:
        """A request kept in the session; None when it is not one."""
        try:
            return cls(**data)
        except (TypeError, ValueError):
            return None


def municipalities_for(user):
    """The municipalities whose functional administrator ``user`` is (none for any other role)."""
    if not is_functional_admin(user):
        return Municipality.objects.none()
    return user.municipalities.order_by("name")


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _who(user) -> str:
    return "" if user is None else (user.get_full_name() or user.get_username())


def _brp(evidence: dict) -> dict:
    """The person's own facts from the BRP check; other persons only counted."""
    evidence = evidence or {}
    summary = {key: evidence[key] for key in _BRP_OWN_KEYS if key in evidence}
    for group, label in (("huishouden", "personen_in_huishouden"), ("kandidaten", "kandidaten_beoordeeld"),
                         ("ouders", "ouders_gevonden"), ("bevragingen", "bevragingen")):
        if evidence.get(group):
            summary[f"aantal_{label}"] = len(evidence[group])
    review = evidence.get("beoordeling")
    if isinstance(review, dict):  # the reviewer chose this person: who and when, not the other candidates
        summary["beoordeling"] = {"bsn": review.get("bsn", ""), "door": review.get("door", ""),
                                  "op": review.get("op", "")}
    return summary


def _signal(signal: Signal) -> dict:
    link = getattr(signal, "case_link", None)
    return {
        "signaal_id": signal.signal_id,
        "vastelastenpartner": signal.creditor.name,
        "herkomst": {"bron": signal.get_source_display(), "levering": str(signal.delivery_id),
                     "ontvangen_op": _iso(signal.received_at)},
        "status": signal.status, "status_omschrijving": signal.get_status_display(),
        "soort_vaste_last": signal.get_creditor_kind_display(), "soort_signaal": signal.get_signal_kind_display(),
        "warme_overdracht": signal.warm_handover,
        "klant": {"geslachtsnaam": signal.surname, "voorvoegsel": signal.surname_prefix,
                  "voornamen": signal.first_names, "voorletters": signal.initials, "bedrijfsnaam": signal.trade_name,
                  "geboortedatum": _iso(signal.birth_date), "telefoonnummers": list(signal.phone_numbers or []),
                  "emailadres": signal.email},
        "adres": {"straatnaam": signal.street, "huisnummer": signal.house_number, "huisletter": signal.house_letter,
                  "toevoeging": signal.house_number_addition, "postcode": signal.postcode,
                  "woonplaats": signal.city},
        "achterstand": {"bedrag": _money(signal.amount), "vervaldatum_oudste_factuur": _iso(signal.oldest_due_date),
                        "aantal_termijnen": signal.instalments_unpaid,
                        "termijnbedrag": _money(signal.instalment_amount), "contractnummer": signal.contract_number},
        "signaaldatum": _iso(signal.signal_date),
        "datum_einde_levering": _iso(signal.end_of_supply_date),
        "datum_afsluiting": _iso(signal.disconnection_date),
        "datum_ontruiming": _iso(signal.eviction_date),
        "niet_bruikbare_waarden": [{"veld": row["veld"], "waarde": row["waarde"], "notitie": row["notitie"]}
                                   for row in signal_unusable_values(signal)],
        "bsn": signal.bsn,
        "brp_controle": _brp(signal.brp_evidence),
        "shv_controle": dict(signal.shv_evidence or {}),
        "eindresultaat": signal.get_outcome_display() if signal.outcome else "",
        "eindresultaat_op": _iso(signal.outcome_at),
        "doorgestuurd_naar": signal.forwarded_to.name if signal.forwarded_to_id else "",
        "besluiten_uitval": [{"besluit": d.get_decision_display(), "bsn": d.bsn, "reden": d.reason,
                              "door": _who(d.decided_by), "op": _iso(d.decided_at)}
                             for d in signal.fallout_decisions.all()],
        "geschiedenis": [{"op": _iso(row.at), "door": row.actor, "tekst": signal_history_text(row)}
                         for row in signal.history.all()],
        "melding": link.case_id if link else None,
        # In a case the signal goes with its case (the case's line says when); otherwise by its own term.
        "persoonsgegevens_vernietigd_op": None if link else _iso(signal_destroy_on(signal)),
    }


def _history_rows(case: Case, own_contracts: set[str], foreign: bool) -> list[dict]:
    rows = []
    for row in case.history.all():
        params = row.params or {}
        if foreign and params.get("kind") == "signals_added":  # another person's arrears: left out
            kept = [s for s in params.get("signals", []) if s.get("contract") in own_contracts]
            if not kept:
                continue
            row = CaseHistory(at=row.at, actor_name=row.actor_name, reason=row.reason,
                              params={**params, "signals": kept})
        rows.append({"op": _iso(row.at), "door": row.actor_name, "tekst": case_history_text(row)})
    return rows


def _outreach(case: Case, *, foreign: bool) -> dict:
    """What outreach (issue 13) holds about the case: the plan's steps with the number or address each message
    went to, letters, tasks, and contact data found unusable. When the case also holds other persons' signals
    (``foreign``), the numbers, addresses, letter texts and notes, which may be theirs, are left out."""
    run = getattr(case, "outreach", None)  # a case without a run raises RelatedObjectDoesNotExist

    def own(value):
        return "" if foreign else value

    return {
        "benaderingsplan": {
            "plan": run.plan_name, "gestart_op": _iso(run.started_at), "gestopt_op": _iso(run.stopped_at),
            "reden_gestopt": run.get_stop_reason_display() if run.stop_reason else "",
            "stappen": [{
                "stap": s.position, "dag": s.day_offset, "soort": s.get_kind_display(),
                "status": s.get_status_display(), "uitgevoerd_op": _iso(s.done_at), "verstuurd_naar": own(s.recipient),
                "status_gateway": s.gateway_status,
            } for s in run.steps.all()],
        } if run is not None else None,
        "taken": [{
            "soort": t.get_kind_display(), "bron": t.get_source_display(), "status": t.get_status_display(),
            "uiterlijk_op": _iso(t.due_date), "terugbelnummer": own(t.callback_phone), "notitie": own(t.note),
            "aangemaakt_op": _iso(t.created_at), "afgehandeld_op": _iso(t.done_at),
        } for t in case.tasks.all()],
        "brieven": [{
            "onderwerp": letter.subject, "datum": _iso(letter.letter_date), "status": letter.get_status_display(),
            "verzonden_op": _iso(letter.sent_at), "aan": own(letter.addressee),
            "adres": [] if foreign else letter.address_lines, "tekst": own(strip_tags(letter.body_html).strip()),
        } for letter in case.letters.all()],
        "onbruikbare_contactgegevens": [{
            "gegeven": u.get_field_display(), "waarde": own(u.value), "reden": u.reason, "vastgesteld_op": _iso(u.at),
        } for u in case.unusable_contacts.all()],
    }


def _case(case: Case, own_signals: list[Signal], *, whole_household: bool) -> dict:
    own = {s.pk for s in own_signals}
    members = [link.signal for link in case.case_signals.all()]
    foreign = not whole_household and any(s.pk not in own for s in members)
    shown = members if whole_household else [s for s in members if s.pk in own]
    notice = case_retention_notice(case, case.follow_ups.all())
    return {
        "melding_id": case.pk,
        "kenmerk_voor_inwoner": case.contact_reference,
        "persoonsgegevens_vernietigd_op": _iso(notice.destroy_on),
        "bewaartermijn": notice.text,
        "adres": case.address,
        "periode": {"van": _iso(case.period_start), "tot_en_met": _iso(case.period_end)},
        "soort_melding": case.get_match_type_display(), "opeenvolgend": case.recidive,
        "crisismelding": case.is_crisis,
        "status": case.status, "status_omschrijving": case.get_status_display(),
        "bakje": str(case.tray) if case.tray_id else "",
        "waarom_in_dit_bakje": case.routing_explanation,
        "toegewezen_aan": _who(case.assigned_to),
        "geopend_op": _iso(case.opened_at), "sluit_automatisch_op": _iso(case.deadline_at),
        "eerste_contactpoging": _iso(case.first_contact_at), "gesloten_op": _iso(case.closed_at),
        "heropend_op": _iso(case.reopened_at), "reden_heropenen": case.reopen_reason,
        "eindresultaat": case.get_outcome_display() if case.outcome else "",
        "eerste_reactie": case.get_first_reaction_display() if case.first_reaction else "",
        "welke_hulp": case.help_description, "reden_geen_hulp": case.decline_reason,
        "toestemming_terugmelden_op": _iso(case.feedback_consent_at),
        "signalen": [s.signal_id for s in shown],
        "signalen_van_anderen_weggelaten": foreign,
        "contactpogingen": [{
            "soort": a.get_kind_display(), "op": _iso(a.at), "dagdeel": a.get_dagdeel_display(),
            "bereikt": a.get_reached_display(), "notitie": a.note, "door": _who(a.by),
            "reactie_ontvangen_op": _iso(a.reply_received_at), "notitie_bij_reactie": a.reply_note,
            "herkomst": a.get_origin_display(), "kenmerk_in_bericht": a.reference,
            "bezorging": a.get_delivery_display() if a.delivery else "",
        } for a in case.contact_attempts.all()],
        **_outreach(case, foreign=foreign),
        "vervolgcontacten": [{
            "te_doen_vanaf": _iso(f.due_on), "uitgevoerd_op": _iso(f.done_at),
            "soort": f.get_kind_display() if f.kind else "", "op": _iso(f.at),
            "bereikt": f.get_reached_display() if f.reached else "",
            "afspraak_loopt": f.get_arranged_display() if f.arranged else "", "notitie": f.note,
            "door": _who(f.done_by),
        } for f in case.follow_ups.all()],
        "huisbezoeken": [{
            "datum": _iso(v.date), "dagdeel": v.get_dagdeel_display(), "medewerker": _who(v.worker),
            "notitie": v.note, "gepland_door": _who(v.planned_by), "gepland_op": _iso(v.planned_at),
            "geannuleerd_op": _iso(v.cancelled_at),
        } for v in case.planned_visits.all()],
        "geschiedenis": _history_rows(case, {s.contract_number for s in own_signals if s.contract_number}, foreign),
    }


def _signals(vraag: InzageVraag) -> list[Signal]:
    found = Signal.objects.filter(municipality_id=vraag.gemeente_id)
    found = found.filter(address_key=vraag.adressleutel) if vraag.op_adres else found.filter(bsn=vraag.bsn)
    return list(found.select_related("creditor", "forwarded_to", "case_link", "municipality").prefetch_related(
        Prefetch("history", SignalHistory.objects.order_by("at", "pk")),
        Prefetch("fallout_decisions", FalloutDecision.objects.select_related("decided_by").order_by("decided_at")),
        Prefetch("feedback_events", FeedbackEvent.objects.select_related("creditor").order_by("issued_at", "pk")),
    ).order_by("received_at", "pk"))


def _cases(vraag: InzageVraag, signals: list[Signal]) -> list[Case]:
    ids = {s.case_link.case_id for s in signals if getattr(s, "case_link", None)}
    found = Case.objects.filter(municipality_id=vraag.gemeente_id, pk__in=ids)
    if vraag.op_adres:
        found = Case.objects.filter(municipality_id=vraag.gemeente_id, address_key=vraag.adressleutel) | found
    return list(found.distinct().select_related("tray", "assigned_to", "municipality", "outreach").prefetch_related(
        Prefetch("case_signals", CaseSignal.objects.select_related("signal").order_by("joined_at", "pk")),
        Prefetch("contact_attempts", ContactAttempt.objects.select_related("by").order_by("at", "pk")),
        Prefetch("planned_visits", PlannedVisit.objects.select_related("worker", "planned_by").order_by("date", "pk")),
        "follow_ups__done_by", "outreach__steps", "tasks", "unusable_contacts", "letters",
        Prefetch("history", CaseHistory.objects.order_by("at", "pk")),
    ).order_by("opened_at", "pk"))


def _persons(vraag: InzageVraag, signals: list[Signal]) -> list[dict]:
    """Who the report is about: the BSN asked for, or each BSN found at the address (with the name the BRP
    check found, else the name in the signal)."""
    persons: dict[str, dict] = {}
    for signal in signals:
        if not signal.bsn or (not vraag.op_adres and signal.bsn != vraag.bsn):
            continue
        evidence = signal.brp_evidence or {}
        name = evidence.get("naam") or " ".join(p for p in (signal.first_names or signal.initials,
                                                            signal.surname_prefix, signal.surname) if p)
        persons.setdefault(signal.bsn, {"bsn": signal.bsn, "naam": name,
                                        "geboortedatum": evidence.get("geboortedatum") or _iso(signal.birth_date)})
    if not vraag.op_adres and vraag.bsn not in persons:
        persons[vraag.bsn] = {"bsn": vraag.bsn, "naam": "", "geboortedatum": None}
    return list(persons.values())


def inzage_bsns(rapport: dict) -> list[str]:
    """The BSNs a report is about (for the audit trail)."""
    return [person["bsn"] for person in rapport["personen"] if person["bsn"]]


def inzage_rapport(user, vraag: InzageVraag, *, now: dt.datetime | None = None) -> dict | None:
    """The report for ``vraag``; None when ``user`` is not the functional administrator of its municipality."""
    municipality = municipalities_for(user).filter(pk=vraag.gemeente_id).first()
    if municipality is None:
        return None
    now = now or timezone.now()
    signals = _signals(vraag)
    cases = _cases(vraag, signals)
    persons = _persons(vraag, signals)
    bsns = [person["bsn"] for person in persons]
    shv = ShvRegistration.objects.filter(municipality_id=municipality.pk, bsn__in=bsns).order_by("bsn", "start_date")
    return {
        "rapport": "Inzage in persoonsgegevens (artikel 15 AVG)",
        "versie": REPORT_VERSION,
        "gemeente": {"naam": municipality.name, "cbs_code": municipality.cbs_code},
        "opgesteld_op": _iso(now),
        "opgesteld_door": _who(user),
        "zoekopdracht": ({"soort": "adres", "adres": vraag.adres_tekst} if vraag.op_adres
                         else {"soort": "bsn", "bsn": vraag.bsn}),
        "personen": persons,
        "signalen": [_signal(s) for s in signals],
        "meldingen": [_case(c, signals, whole_household=vraag.op_adres) for c in cases],
        "schuldhulpverlening": [{"bsn": r.bsn, "product": r.product, "startdatum": _iso(r.start_date),
                                 "datum_eindbeschikking": _iso(r.end_decision_date),
                                 "geimporteerd_op": _iso(r.imported_at), "bron": r.source} for r in shv],
        "terugkoppelingen": [{"signaal_id": s.signal_id, "vastelastenpartner": e.creditor.name, "code": e.code,
                              "omschrijving": e.get_code_display(), "datum": _iso(e.date),
                              "incassorust_tot": _iso(e.collection_pause_until)}
                             for s in signals for e in s.feedback_events.all()],
        "ddas_leveringen": ddas_deliveries(municipality_id=municipality.pk, signals=signals),
        "ingezien_door": audit_reads(municipality_id=municipality.pk, bsns=bsns,
                                     case_ids=[c.pk for c in cases], signal_ids=[s.pk for s in signals]),
    }
