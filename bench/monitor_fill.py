"""Data generators for bench/monitor.py (generated persons only; no real data).

- ``fill_store``: the statistics store of many municipalities × months, in three INSERT … SELECT
  statements over ``generate_series`` (one per fact table), at realistic volumes and proportions;
- ``fill_people``: live personal data (signals with clients, cases, case links, contact attempts,
  their history) with the facts that describe them, through PostgreSQL ``COPY``.

Personal-data rows are written with COPY directly (``vroegsignalering.common.bulk``'s COPY without its
``rows_inserted`` signal): the facts are generated here, consistently with the rows, so a receiver
that records facts from bulk inserts does not write them twice.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

# Creditor kinds by share of signals (roughly the national picture: health insurance, rent and
# water first), crisis kinds, outcomes by share, contact kinds by share.
KIND_WEIGHTS = [("zorgverzekering", 30), ("huur", 22), ("drinkwater", 15), ("elektriciteit", 10), ("gas", 7),
                ("warmte", 2), ("hypotheek", 3), ("duo", 3), ("belastingdienst", 3), ("toeslagen", 2),
                ("cak_eigen_bijdrage", 2), ("overig", 1)]
NOT_PICKED_UP_WEIGHTS = [("drempelbedrag", 30), ("termijn", 8), ("rechtspersoon", 2), ("onterecht", 4),
                         ("herhaald", 30), ("niet_in_brp", 8), ("verhuisd", 6), ("bekend_shv", 8),
                         ("overleden", 1), ("andere_reden", 3)]
CASE_OUTCOME_WEIGHTS = [("GEEN_CONTACT", 38), ("QUICK_FIX", 14), ("VERVOLGHULP_FINANCIEEL", 10),
                        ("VERVOLGHULP_NIET_FINANCIEEL", 3), ("GEEN_HULP_GEWENST", 13), ("ZELF_BETAALD", 9),
                        ("GEEN_REACTIE_NA_CONTACT", 4), ("ANDER_TRAJECT", 3), ("BEKEND_BIJ_SHV", 4),
                        ("VERWIJZING_ZONDER_CONTACT", 2)]
CONTACT_WEIGHTS = [("BRIEF", 30), ("TELEFOON", 25), ("HUISBEZOEK", 20), ("SMS", 12), ("MAIL", 6), ("KAARTJE", 5),
                   ("OVERIGE", 1), ("ADMINISTRATIEF", 1)]
SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "El Amrani", "Yılmaz", "Kowalski", "Visser", "Smit",
            "Meijer", "de Boer", "Mulder", "Bouzid", "Öztürk", "Martina", "Pinas", "Dekker", "Brouwer", "Hendriks"]
FIRST_NAMES = ["Anna", "Mohammed", "Sanne", "Fatima", "Jan", "Emre", "Kevin", "Priya", "Sophie", "Daan", "Noah",
               "Aylin", "Piotr", "Shanice", "Lotte", "Youssef"]
STREETS = ["Proefstraat", "Bankweg", "Molenlaan", "Kerkstraat", "Dorpsstraat", "Stationsweg", "Schoolstraat"]


def previous_months(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` whole months before ``today``'s month, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def pick(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weights], [w for _, w in weights])[0]


def _lit(value) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def sql_choice(r: str, weights: list[tuple[object, float]]) -> str:
    """A CASE that picks a value by weight from the uniform random column ``r`` (0 ≤ r < 1)."""
    total, running, parts = sum(w for _, w in weights), 0.0, []
    for value, weight in weights[:-1]:
        running += weight / total
        parts.append(f"WHEN {r} < {running:.6f} THEN {_lit(value)}")
    return f"(CASE {' '.join(parts)} ELSE {_lit(weights[-1][0])} END)"


def amount_class_sql(euros: str) -> str:
    return (f"(CASE WHEN {euros} < 100 THEN '<100' WHEN {euros} < 250 THEN '100-250' WHEN {euros} < 500 "
            f"THEN '250-500' WHEN {euros} < 1000 THEN '500-1000' ELSE '>=1000' END)")


def amount_class(euros: int) -> str:
    return ("<100" if euros < 100 else "100-250" if euros < 250 else "250-500" if euros < 500
            else "500-1000" if euros < 1000 else ">=1000")


def arrear_class(days: int) -> str:
    return "<30" if days < 30 else "30-60" if days < 60 else "60-100" if days < 100 else "100-180" if days < 180 \
        else ">=180"


def age_class(age: int | None) -> str:
    if age is None:
        return "onbekend"
    return "<18" if age < 18 else "18-25" if age <= 25 else "26-45" if age <= 45 else ">=46"


# --- 1. the statistics store: many municipalities × months --------------------------------------------------


def fill_store(municipalities: list[tuple[int, int]], months: list[dt.date], creditors: dict[str, int],
               rng: random.Random, *, per_thousand: float = 4.4, scale: float = 1.0) -> dict[str, int]:
    """Signal, case and attempt facts for every (municipality id, inhabitants) × month; returns row counts."""
    from django.db import connection, transaction

    from vroegsignalering.common.vocab import OUTCOMES, ContactKind, Outcome

    blocks, signal_base, case_base, attempt_base = [], 10_000_000, 10_000_000, 10_000_000
    for municipality_id, inhabitants in municipalities:
        for month in months:
            signals = max(1, round(inhabitants * per_thousand / 1000 * rng.uniform(0.85, 1.15) * scale))
            cases = max(1, round(signals * rng.uniform(0.40, 0.50)))
            attempts = round(cases * rng.uniform(1.8, 2.6))
            blocks.append((municipality_id, month, signals, cases, attempts, signal_base, case_base, attempt_base))
            signal_base, case_base, attempt_base = signal_base + signals, case_base + cases, attempt_base + attempts
    outcome_weights = [(Outcome[name].value, w) for name, w in CASE_OUTCOME_WEIGHTS]
    category_case = " ".join(f"WHEN {_lit(o.value)} THEN {_lit(c.value if c else '')}"
                             for o, (c, _) in OUTCOMES.items())
    reason_outcome = {"drempelbedrag": Outcome.ONTERECHT_SIGNAAL, "termijn": Outcome.ONTERECHT_SIGNAAL,
                      "rechtspersoon": Outcome.ONTERECHT_SIGNAAL, "onterecht": Outcome.ONTERECHT_SIGNAAL,
                      "herhaald": Outcome.HERHAALDE_MELDING, "niet_in_brp": Outcome.GEEN_INWONER,
                      "verhuisd": Outcome.GEEN_INWONER, "bekend_shv": Outcome.BEKEND_BIJ_SHV,
                      "overleden": Outcome.OVERLEDEN, "andere_reden": Outcome.ANDERE_REDEN}
    reason_outcome_case = " ".join(f"WHEN {_lit(r)} THEN {_lit(o.value)}" for r, o in reason_outcome.items())
    last_month = months[-1]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_block (municipality_id bigint, month date, signals int, cases int, "
                       "attempts int, signal_base bigint, case_base bigint, attempt_base bigint) ON COMMIT DROP")
        cursor.execute("CREATE TEMP TABLE bench_creditor (kind text, creditor_id bigint) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_block FROM STDIN") as copy:
            for row in blocks:
                copy.write_row(row)
        with cursor.cursor.copy("COPY bench_creditor FROM STDIN") as copy:
            for row in creditors.items():
                copy.write_row(row)
        cursor.execute(f"""
            INSERT INTO monitor_signalfact (signal_ref, export_id, municipality_id, month, received_on, creditor_id,
                creditor_kind, signal_kind, is_crisis, warm_handover, amount_euros, amount_class, arrear_age_class,
                signal_date, arrear_start, age_class, status, outcome, not_picked_up, ended_on, is_forwarded_copy,
                case_ref, updated_at)
            SELECT ref, gen_random_uuid(), municipality_id, month, day, c.creditor_id, kind, signal_kind,
                   signal_kind <> 'vroegsignaal', CASE WHEN signal_kind <> 'vroegsignaal' THEN r5 < 0.3 END,
                   euros, {amount_class_sql('euros')},
                   (CASE WHEN age < 30 THEN '<30' WHEN age < 60 THEN '30-60' WHEN age < 100 THEN '60-100'
                         WHEN age < 180 THEN '100-180' ELSE '>=180' END),
                   day, day - age, {sql_choice('r6', [('onbekend', 8), ('<18', 0.2), ('18-25', 12), ('26-45', 45),
                                                      ('>=46', 35)])},
                   CASE WHEN case_ref IS NULL THEN 'afgehandeld' ELSE 'in_melding' END,
                   CASE WHEN case_ref IS NULL THEN (CASE reason {reason_outcome_case} END) ELSE '' END,
                   CASE WHEN case_ref IS NULL THEN reason ELSE '' END,
                   CASE WHEN case_ref IS NULL THEN day + 2 END, false, case_ref, now()
            FROM (
                SELECT b.signal_base + g AS ref, b.municipality_id, b.month,
                       b.month + (r1 * 28)::int AS day,
                       {sql_choice('r2', KIND_WEIGHTS)} AS kind,
                       {sql_choice('r3', [('vroegsignaal', 97), ('eindelevering', 1), ('afsluiting', 1),
                                         ('ontruiming', 1)])} AS signal_kind,
                       (exp(ln(40) + r4 * ln(75)))::int AS euros,
                       (20 + r7 * r7 * 220)::int AS age,
                       CASE WHEN r8 < (b.cases * 1.15 / b.signals) THEN b.case_base + 1 + g % b.cases END AS case_ref,
                       {sql_choice('r9', NOT_PICKED_UP_WEIGHTS)} AS reason, r5, r6
                FROM bench_block b, LATERAL (
                    SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                           random() r7, random() r8, random() r9
                    FROM generate_series(1, b.signals) g OFFSET 0) x
            ) s JOIN bench_creditor c USING (kind)
        """)
        signals = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO monitor_casefact (case_ref, export_id, municipality_id, month, opened_on, period_start,
                period_end, match_type, recidive, is_crisis, amount_class, signal_count, closed_at_routing, status,
                outcome, monitor_category, first_reaction, closed_on, reopened, attempts, reached, updated_at)
            SELECT ref, gen_random_uuid(), municipality_id, month, opened, month, month + 26, match_type, r3 < 0.35,
                   r4 < 0.03, {amount_class_sql('euros')}, CASE WHEN match_type = 'meervoudig' THEN 2 ELSE 1 END,
                   r5 < 0.06, CASE WHEN closed THEN 'gesloten' ELSE 'in_behandeling' END,
                   CASE WHEN closed THEN outcome ELSE '' END,
                   CASE WHEN closed THEN (CASE outcome {category_case} END) ELSE '' END,
                   CASE WHEN closed THEN {sql_choice('r7', [('positief', 40), ('neutraal', 35), ('negatief', 10),
                                                            ('', 15)])} ELSE '' END,
                   CASE WHEN closed THEN opened + 28 END, r8 < 0.02, (r9 * 5)::int, r10 < 0.55, now()
            FROM (
                SELECT b.case_base + g AS ref, b.municipality_id, b.month, b.month + 27 AS opened,
                       {sql_choice('r1', [('enkelvoudig', 86), ('meervoudig', 14)])} AS match_type,
                       (exp(ln(60) + r2 * ln(80)))::int AS euros,
                       (b.month < %s OR r6 < 0.3) AS closed,
                       {sql_choice('r11', outcome_weights)} AS outcome,
                       r3, r4, r5, r7, r8, r9, r10
                FROM bench_block b, LATERAL (
                    SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                           random() r7, random() r8, random() r9, random() r10, random() r11
                    FROM generate_series(1, b.cases) g OFFSET 0) x
            ) s
        """, [last_month])
        cases = cursor.rowcount
        kinds = [(ContactKind[name].value, w) for name, w in CONTACT_WEIGHTS]
        cursor.execute(f"""
            INSERT INTO monitor_attemptfact (attempt_ref, case_ref, municipality_id, month, "on", kind, dagdeel,
                reached, replied, updated_at)
            SELECT b.attempt_base + g, b.case_base + 1 + g % b.cases, b.municipality_id, b.month,
                   b.month + (r1 * 27)::int, {sql_choice('r2', kinds)},
                   {sql_choice('r3', [('Ochtend', 40), ('Middag', 45), ('Avond', 15)])},
                   {sql_choice('r4', [('ja', 35), ('nee', 55), ('onbekend', 10)])}, r5 < 0.1, now()
            FROM bench_block b, LATERAL (
                SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5
                FROM generate_series(1, b.attempts) g OFFSET 0) x
        """)
        attempts = cursor.rowcount
    return {"monitor_signalfact": signals, "monitor_casefact": cases, "monitor_attemptfact": attempts}


# --- 2. live personal data with its facts -------------------------------------------------------------------


def bsn(rng: random.Random) -> str:
    """A generated number that passes the elfproef (not a real person's)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum((9 - i) * d for i, d in enumerate(digits)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def copy_rows(model, objects) -> None:
    """COPY ``objects`` into ``model``'s table (pks set), without ``rows_inserted``."""
    from vroegsignalering.common.bulk import _copy, refuse_nul

    if objects:
        refuse_nul(model, objects)
        _copy(model, objects)


@dataclass
class Spec:
    """What ``fill_people`` makes: about ``signals_per_month`` signals in each of ``months``; the cases of the
    last month partly still open when ``open_last_month``."""

    municipality: object
    months: list[dt.date]
    signals_per_month: int
    open_last_month: bool = True
    counts: dict[str, int] = field(default_factory=dict)


def fill_people(spec: Spec, rng: random.Random, *, tray=None, worker=None, chunk: int = 10_000) -> dict[str, int]:
    """Signals (half picked up into cases of 1–2 signals, the rest ended with a reason), their cases, links,
    contact attempts, signal and case history, and the facts; returns row counts per table."""
    from django.db import transaction

    from cases import deadlines
    from cases.models import Case, CaseHistory, CaseSignal, SignalRole
    from contacts.models import ContactAttempt
    from monitor.models import AttemptFact, CaseFact, SignalFact
    from signals import normalise
    from signals.models import Delivery, Signal, SignalHistory, SignalStatus
    from tests.factories import creditor_for
    from vroegsignalering.common.vocab import OUTCOMES, ContactKind, Dagdeel, Outcome, Reached, dagdeel_for

    municipality = spec.municipality
    counts = spec.counts
    creditors = {kind: creditor_for(kind) for kind, _ in KIND_WEIGHTS}
    deliveries = {kind: Delivery.objects.filter(creditor=c).first() or Delivery.objects.create(creditor=c)
                  for kind, c in creditors.items()}
    reason_outcome = {"drempelbedrag": Outcome.ONTERECHT_SIGNAAL, "termijn": Outcome.ONTERECHT_SIGNAAL,
                      "rechtspersoon": Outcome.ONTERECHT_SIGNAAL, "onterecht": Outcome.ONTERECHT_SIGNAAL,
                      "herhaald": Outcome.HERHAALDE_MELDING, "niet_in_brp": Outcome.ANDERE_REDEN,
                      "verhuisd": Outcome.GEEN_INWONER, "bekend_shv": Outcome.BEKEND_BIJ_SHV,
                      "overleden": Outcome.OVERLEDEN, "andere_reden": Outcome.ANDERE_REDEN}
    serial = counts.get("_serial", 0)

    def add(table: str, n: int):
        counts[table] = counts.get(table, 0) + n

    for month in spec.months:
        last = month == spec.months[-1] and spec.open_last_month
        remaining = spec.signals_per_month
        while remaining > 0:
            n = min(chunk, remaining)
            remaining -= n
            signals, groups, ended = [], [], []
            while len(signals) < n:
                serial += 1
                day = month + dt.timedelta(days=rng.randint(0, 26))
                received = deadlines.start_of_day(day) + dt.timedelta(hours=rng.randint(7, 20))
                ended_at = received + dt.timedelta(days=2)
                size = 2 if rng.random() < 0.14 else 1
                picked = rng.random() < 0.5
                letters = "ABCDEFGHJK"[serial % 10] + "LMNPRSTVWX"[serial // 10 % 10]
                postcode = f"{1000 + serial // 400 % 9000:04d}{letters}"
                number = 1 + serial % 400
                age = rng.randint(19, 85)
                person = {
                    "surname": rng.choice(SURNAMES), "first_names": rng.choice(FIRST_NAMES),
                    "birth_date": day - dt.timedelta(days=age * 365 + rng.randint(0, 364)),
                    "bsn": bsn(rng) if rng.random() < 0.85 else "",
                }
                group = []
                for _ in range(size if picked else 1):
                    kind = pick(rng, KIND_WEIGHTS)
                    reason = None if picked else pick(rng, NOT_PICKED_UP_WEIGHTS)
                    euros = int(40 * 75 ** rng.random())
                    arrear_days = int(20 + rng.random() ** 2 * 220)
                    signal_kind = "vroegsignaal" if rng.random() < 0.97 else "afsluiting"
                    signal = Signal(
                        municipality=municipality, creditor=creditors[kind], delivery=deliveries[kind],
                        signal_id=f"B{municipality.cbs_code}-{serial:07d}-{len(group)}",
                        content_hash=uuid.uuid4().hex * 2, received_at=received,
                        status=SignalStatus.IN_MELDING if picked else SignalStatus.AFGEHANDELD,
                        creditor_kind=kind, signal_kind=signal_kind,
                        warm_handover=(rng.random() < 0.3) if signal_kind != "vroegsignaal" else None,
                        surname=person["surname"], first_names=person["first_names"],
                        initials=person["first_names"][0] + ".", birth_date=person["birth_date"],
                        phone_numbers=[f"06{rng.randint(10_000_000, 99_999_999)}"],
                        email=f"{person['first_names'].lower()}.{serial}@example.nl", postcode=postcode,
                        house_number=number, street=rng.choice(STREETS), city=municipality.name,
                        address_key=normalise.address_key(postcode, number, "", ""),
                        amount=Decimal(euros), oldest_due_date=day - dt.timedelta(days=arrear_days),
                        contract_number=f"K-{serial}-{len(group)}", signal_date=day, bsn=person["bsn"],
                        brp_evidence={"leeftijd": age}, shv_evidence={"status": "onbekend"},
                        outcome=reason_outcome[reason] if reason else "",
                        outcome_at=None if picked else ended_at,
                    )
                    signal._bench = (reason, euros, arrear_days, age)
                    group.append(signal)
                signals.extend(group)
                (groups if picked else ended).append((group, ended_at))
            with transaction.atomic():
                copy_rows(Signal, signals)
                cases = []
                for group, _ in groups:
                    first = group[0]
                    opened = deadlines.start_of_day(month + dt.timedelta(days=27)) + dt.timedelta(hours=6)
                    closed = not last or rng.random() < 0.3
                    outcome = Outcome[pick(rng, CASE_OUTCOME_WEIGHTS)] if closed else ""
                    case = Case(
                        municipality=municipality, address_key=first.address_key,
                        address=f"{first.street} {first.house_number}, {municipality.name}",
                        period_start=month, period_end=month + dt.timedelta(days=26),
                        match_type="meervoudig" if len(group) > 1 else "enkelvoudig",
                        recidive=rng.random() < 0.35, is_crisis=any(s.is_crisis for s in group),
                        amount=sum(s.amount for s in group), tray=tray, routing_explanation="Bench: regel 1",
                        routed_at=opened, opened_at=opened, deadline_at=opened + dt.timedelta(days=28),
                        deadline_basis="bench", status="gesloten" if closed else "in_behandeling", outcome=outcome,
                        closed_at=opened + dt.timedelta(days=28) if closed else None,
                        first_reaction=rng.choice(["positief", "neutraal", "negatief", ""]) if closed else "",
                        help_description="Betalingsregeling met de verhuurder" if outcome in
                        (Outcome.QUICK_FIX, Outcome.VERVOLGHULP_FINANCIEEL) else "",
                    )
                    case.first_closed_at = case.closed_at
                    case._signals = group
                    cases.append(case)
                copy_rows(Case, cases)
                links = [CaseSignal(case=c, signal=s, role=SignalRole.INITIAL if i == 0 else SignalRole.LATE,
                                    joined_at=c.opened_at) for c in cases for i, s in enumerate(c._signals)]
                copy_rows(CaseSignal, links)
                attempts = []
                for case in cases:
                    for k in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):
                        at = case.opened_at + dt.timedelta(days=1 + 5 * k, hours=rng.randint(2, 13))
                        kind = ContactKind[pick(rng, CONTACT_WEIGHTS)]
                        reached = pick(rng, [(Reached.JA, 35), (Reached.NEE, 55), (Reached.ONBEKEND, 10)])
                        attempts.append(ContactAttempt(
                            case=case, kind=kind, at=at, dagdeel=dagdeel_for(at), reached=reached,
                            note="Niemand thuis, kaartje achtergelaten" if kind == ContactKind.HUISBEZOEK else "",
                            by=worker, registered_at=at))
                copy_rows(ContactAttempt, attempts)
                history = []
                for s in signals:
                    history.append(SignalHistory(signal=s, at=s.received_at, actor="systeem", to_status="ontvangen",
                                                 event="ontvangen"))
                    history.append(SignalHistory(signal=s, at=s.received_at + dt.timedelta(minutes=3),
                                                 actor="systeem", from_status="in_controle",
                                                 to_status="gecontroleerd" if s.status == "in_melding"
                                                 else "afgehandeld",
                                                 event="gecontroleerd" if s.status == "in_melding" else "afgehandeld",
                                                 params={"bsn_gevonden": bool(s.bsn)}))
                    if s.status == "in_melding":
                        history.append(SignalHistory(signal=s, at=s.received_at + dt.timedelta(days=20),
                                                     actor="systeem", from_status="gecontroleerd",
                                                     to_status="in_melding", event="gekoppeld"))
                copy_rows(SignalHistory, history)
                case_history = []
                for c in cases:
                    case_history.append(CaseHistory(case=c, at=c.opened_at, actor_name="systeem", to_status="open",
                                                    event="status"))
                    if c.closed_at:
                        case_history.append(CaseHistory(case=c, at=c.closed_at, actor_name="Bench Werker",
                                                        from_status="in_behandeling", to_status="gesloten",
                                                        event="status", reason="Inwoner gesproken, wil hulp",
                                                        params={"outcome": c.outcome}))
                copy_rows(CaseHistory, case_history)

                signal_facts = []
                for s in signals:
                    reason, euros, arrear_days, age = s._bench
                    signal_facts.append(SignalFact(
                        signal_ref=s.pk, municipality=municipality, month=month,
                        received_on=deadlines.local_date(s.received_at), creditor_id=s.creditor_id,
                        creditor_kind=s.creditor_kind, signal_kind=s.signal_kind, is_crisis=s.is_crisis,
                        warm_handover=s.warm_handover, amount_euros=euros, amount_class=amount_class(euros),
                        arrear_age_class=arrear_class(arrear_days), signal_date=s.signal_date,
                        arrear_start=s.oldest_due_date, age_class=age_class(age), status=s.status, outcome=s.outcome,
                        not_picked_up=reason or "", ended_on=deadlines.local_date(s.outcome_at) if s.outcome_at
                        else None))
                by_signal = {link.signal_id: link.case_id for link in links}
                for fact in signal_facts:
                    fact.case_ref = by_signal.get(fact.signal_ref)
                copy_rows(SignalFact, signal_facts)
                per_case: dict[int, list] = {}
                for a in attempts:
                    per_case.setdefault(a.case_id, []).append(a)
                copy_rows(CaseFact, [CaseFact(
                    case_ref=c.pk, municipality=municipality, month=month, opened_on=deadlines.local_date(c.opened_at),
                    period_start=c.period_start, period_end=c.period_end, match_type=c.match_type,
                    recidive=c.recidive, is_crisis=c.is_crisis, amount_class=amount_class(int(c.amount)),
                    signal_count=len(c._signals), status=c.status, outcome=c.outcome,
                    monitor_category=(OUTCOMES[Outcome(c.outcome)][0] or "") if c.outcome else "",
                    first_reaction=c.first_reaction,
                    closed_on=deadlines.local_date(c.closed_at) if c.closed_at else None,
                    attempts=len(per_case.get(c.pk, [])),
                    reached=any(a.reached == Reached.JA for a in per_case.get(c.pk, []))) for c in cases])
                copy_rows(AttemptFact, [AttemptFact(
                    attempt_ref=a.pk, case_ref=a.case_id, municipality=municipality, month=month,
                    on=deadlines.local_date(a.at), kind=a.kind, dagdeel=a.dagdeel or Dagdeel.MIDDAG,
                    reached=a.reached) for a in attempts])
            add("signals_signal", len(signals))
            add("signals_signalhistory", len(history))
            add("cases_case", len(cases))
            add("cases_casehistory", len(case_history))
            add("cases_casesignal", len(links))
            add("contacts_contactattempt", len(attempts))
            add("monitor_signalfact", len(signal_facts))
            add("monitor_casefact", len(cases))
            add("monitor_attemptfact", len(attempts))
    counts["_serial"] = serial
    return {k: v for k, v in counts.items() if not k.startswith("_")}


PERSONAL_TABLES = ["signals_signal", "signals_signalhistory", "cases_case", "cases_casehistory", "cases_casesignal",
                   "contacts_contactattempt"]
FACT_TABLES = ["monitor_signalfact", "monitor_casefact", "monitor_attemptfact"]
