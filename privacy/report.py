"""The purge report in Dutch: the lines a functional administrator (and the command's output) reads."""
from __future__ import annotations

from dataclasses import dataclass

from .models import INSTALLATION

# What each table holds, as a person calls it; in the report's order (the purge's order).
TABLE_LABELS = {
    "cases_case": "meldingen",
    "outreach_letter": "brieven",
    "outreach_caseoutreachstep": "stappen van benaderingsplannen",
    "outreach_caseoutreach": "benaderingen",
    "contacts_casetask": "taken",
    "cases_unusablecontact": "onbruikbare contactgegevens",
    "contacts_plannedvisit": "geplande huisbezoeken",
    "contacts_contactattempt": "contactpogingen",
    "contacts_followup": "vervolgcontacten",
    "cases_casehistory": "geschiedenis van meldingen",
    "cases_casesignal": "koppelingen signaal–melding",
    "signals_signal": "signalen",
    "signals_signalhistory": "geschiedenis van signalen",
    "signals_falloutdecision": "besluiten over uitval",
    "signals_recurrencefact": "feiten voor opeenvolgende meldingen (recidive)",
    "shv_shvregistration": "registraties schuldhulpverlening (niet meer lopend)",
    "signals_delivery.results": "leveringen: resultaten per signaal geleegd",
    "signals_delivery": "leveringen",
    "signals_csvimport": "CSV-imports",
    "outreach_printbatch": "printbatches zonder brieven",
    "audit_auditevent": "audittrail",
    "django_admin_log": "logboek van het beheer",
    "django_session": "verlopen sessies",
    "axes_accessattempt": "inlogpogingen",
    "axes_accessfailurelog": "mislukte inlogpogingen (logboek)",
    "axes_accesslog": "inlogregistraties",
}


@dataclass(frozen=True)
class ReportLine:
    label: str
    count: int


def report_lines(tables: dict) -> list[ReportLine]:
    """One scope's counts (``{table: rows}``) as lines, in the purge's order; unknown tables at the end."""
    order = list(TABLE_LABELS)
    names = sorted(tables, key=lambda name: (order.index(name) if name in order else len(order), name))
    return [ReportLine(TABLE_LABELS.get(name, name), tables[name]) for name in names if tables[name]]


def scope_label(key: str, names: dict[str, str]) -> str:
    if key == INSTALLATION:
        return "Hele installatie (leveringen, imports, audittrail, logboeken, sessies)"
    return f"{names.get(key, 'Gemeente')} ({key})"


def report_text(counts: dict, never_ended: dict, names: dict[str, str], *, day, dry_run: bool) -> str:
    """The whole report as text (the command prints it)."""
    verb = "zou vernietigen" if dry_run else "vernietigde"
    lines = [f"Opschoning van persoonsgegevens, peildatum {day:%d-%m-%Y}"
             + (" (proefdraaien: er is niets vernietigd)" if dry_run else "")]
    if not any(any(tables.values()) for tables in counts.values()):
        lines.append("Geen gegevens waarvan de bewaartermijn verstreken is.")
        return "\n".join(lines) + "\n"
    for key, tables in counts.items():
        rows = report_lines(tables)
        if not rows:
            continue
        lines.append("")
        lines.append(f"{scope_label(key, names)}: {verb}")
        lines += [f"  {row.count:>9}  {row.label}" for row in rows]
        if never_ended.get(key):
            lines.append(f"  waarvan {never_ended[key]} signalen die nooit afgerond werden (vangnettermijn)")
    return "\n".join(lines) + "\n"
