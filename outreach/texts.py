"""The texts of letters, SMS and e-mails: placeholders, validation and the values they are filled with.

A text is the municipality's own words with fields such as ``{{ voornaam }}`` from a closed list
(:data:`FIELDS`); no template language (no loops, filters or attribute access), so nothing typed into
the editor runs. SMS and e-mail never name the creditor or the amount: someone else may read them (a
shared phone, a family mailbox). Those fields exist only for a letter in a closed envelope, and the
values given to an SMS or e-mail do not even contain them (:func:`text_values`).
"""
from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass

from signals.models import Signal
from vroegsignalering.common import dates
from vroegsignalering.common.formats import euro
from vroegsignalering.common.vocab import CreditorKind

from .models import Channel, TargetGroup

# name: (what it is, the value in the editor's preview for a fictitious resident)
FIELDS: dict[str, tuple[str, str]] = {
    "voornaam": ("De voornaam van de inwoner", "Sanne"),
    "achternaam": ("De achternaam, met voorvoegsel", "de Vries"),
    "naam": ("Voorletters en achternaam", "S. de Vries"),
    "kenmerk": ("Het kenmerk van de melding, dat de inwoner noemt bij een reactie", "VS-7K3M2QX-1"),
    "datum": ("De datum van de brief of het bericht", "6 december 2026"),
    "medewerker": ("De behandelaar, of 'het team vroegsignalering'", "het team vroegsignalering"),
    "gemeente": ("De naam van de gemeente", "Voorbeeldstad"),
    "team_telefoon": ("Het telefoonnummer van het team", "14 0000"),
    "team_email": ("Het e-mailadres van het team", "vroegsignalering@voorbeeldstad.nl"),
    "bereikbaar": ("Wanneer het team bereikbaar is", "maandag tot en met vrijdag van 9.00 tot 17.00 uur"),
    "informatiepunt": ("Het Informatiepunt Digitale Overheid (voor AOW-gerechtigden)",
                       "het Informatiepunt Digitale Overheid in de bibliotheek"),
    "schuldeiser": ("De schuldeiser(s) (alleen in een brief)", "Woningstichting Voorbeeld"),
    "soort_achterstand": ("Soort achterstand, zoals huur of energie (alleen in een brief)", "huur"),
    "bedrag": ("Het totale achterstandsbedrag (alleen in een brief)", "€ 412,50"),
}
# Only in a letter: a closed envelope addressed to the resident by name.
LETTER_ONLY = frozenset({"schuldeiser", "soort_achterstand", "bedrag"})
SMS_MAX_LENGTH = 459  # three SMS parts


class FieldTemplate(string.Template):
    """``{{ voornaam }}`` fields; anything else between braces is invalid (a dotted name is not a lookup)."""

    delimiter = "{{"
    pattern = r"""\{\{\s*(?:(?P<named>[a-z][a-z_]*)\s*\}\}|(?P<braced>(?!))|(?P<escaped>(?!))|(?P<invalid>))"""
    flags = re.ASCII


def allowed_fields(channel: str) -> list[str]:
    return [name for name in FIELDS if channel == Channel.BRIEF or name not in LETTER_ONLY]


def text_errors(text: str, channel: str, *, require_reference: bool = True) -> list[str]:
    """Dutch errors of a text for ``channel`` (empty: valid)."""
    errors = []
    template = FieldTemplate(text)
    if not template.is_valid() or "{%" in text or "{#" in text:
        errors.append("Alleen velden zoals {{ voornaam }} zijn toegestaan; {% … %} en {# … #} kunnen niet, en "
                      "elk {{ moet met }} worden gesloten.")
    names = template.get_identifiers()
    for name in names:
        if name not in FIELDS:
            errors.append(f"Onbekend veld {{{{ {name} }}}}. Kies een van: {', '.join(allowed_fields(channel))}.")
        elif name in LETTER_ONLY and channel != Channel.BRIEF:
            errors.append(f"{{{{ {name} }}}} mag niet in een sms of e-mail: iemand anders kan die lezen.")
    if require_reference and "kenmerk" not in names:
        errors.append("Neem {{ kenmerk }} op: daarmee koppelt een reactie van de inwoner aan de melding.")
    if channel == Channel.SMS and len(text) > SMS_MAX_LENGTH:
        errors.append(f"Een sms is hoogstens {SMS_MAX_LENGTH} tekens (drie delen); deze tekst heeft er {len(text)}.")
    return errors


def render_text(text: str, values: dict[str, str]) -> str:
    """The text with its fields filled; ``KeyError`` for a field not in ``values`` (a letter-only field in
    an SMS), never a silent gap."""
    return FieldTemplate(text).substitute(values)


def case_signals(case) -> list:
    """The case's signals, oldest first: the first one's person is the addressee of every letter and message."""
    return list(Signal.objects.select_related("creditor").filter(case_link__case=case)
                .order_by("signal_date", "received_at", "pk"))


def own_signals(signals) -> list:
    """The addressee's own signals (the first one's person: the same BSN, or without one the same surname,
    first initial and birth date). A household's other members' creditors, amounts, numbers and addresses are
    not the addressee's to read."""
    if not signals:
        return []
    first = signals[0]
    if first.bsn:
        return [s for s in signals if s.bsn == first.bsn]

    def person(s):
        return (s.surname or "").lower(), (s.first_names or s.initials or "")[:1].lower(), s.birth_date

    return [s for s in signals if person(s) == person(first)]


def age_of(signals, on: dt.date) -> int | None:
    """The addressee's age: the BRP's, else from the creditor's birth date."""
    for signal in own_signals(signals):
        age = (signal.brp_evidence or {}).get("leeftijd")
        if isinstance(age, int):
            return age
        if signal.birth_date:
            born = signal.birth_date
            return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return None


def target_group_for(age: int | None, *, youth_age_max: int, aow_age: int) -> str:
    if age is not None and age <= youth_age_max:
        return TargetGroup.JONGEREN
    if age is not None and age >= aow_age:
        return TargetGroup.AOW
    return TargetGroup.ALGEMEEN


@dataclass(frozen=True)
class Addressee:
    """Who a case's texts address: the first signal's person (the case's main resident)."""

    first_name: str
    surname: str
    initials: str

    @classmethod
    def of(cls, signal) -> Addressee:
        if signal is None:
            return cls("", "", "")
        surname = " ".join(part for part in (signal.surname_prefix, signal.surname) if part)
        return cls((signal.first_names or "").split(" ")[0], surname, signal.initials or "")

    @property
    def name(self) -> str:
        initials = self.initials or (f"{self.first_name[0]}." if self.first_name else "")
        return " ".join(part for part in (initials, self.surname) if part) or "bewoner"


def text_values(*, case, signals, settings, municipality_name: str, handler: str, on: dt.date,
                reference: str, channel: str) -> dict[str, str]:
    """The values of every field for one case and channel. ``signals``: the case's signals, oldest first
    (``case_signals``); a letter names only the addressee's own creditors and amount (``own_signals``); for
    SMS and e-mail those fields are left out altogether."""
    person = Addressee.of(signals[0] if signals else None)
    values = {
        "voornaam": person.first_name or "bewoner",
        "achternaam": person.surname,
        "naam": person.name,
        "kenmerk": reference,
        "datum": dates.format_date(on),
        "medewerker": handler or "het team vroegsignalering",
        "gemeente": municipality_name,
        "team_telefoon": getattr(settings, "team_phone", "") or "",
        "team_email": getattr(settings, "team_email", "") or "",
        "bereikbaar": getattr(settings, "contact_hours", "") or "",
        "informatiepunt": getattr(settings, "informatiepunt", "") or "",
    }
    if channel == Channel.BRIEF:
        own = own_signals(signals)
        creditors = sorted({s.creditor.name for s in own})
        kinds = sorted({CreditorKind(s.creditor_kind).label.lower() for s in own if s.creditor_kind})
        values.update(schuldeiser=" en ".join(creditors), soort_achterstand=" en ".join(kinds),
                      bedrag=euro(sum((s.amount for s in own), 0)))
    return values


def sample_values(channel: str) -> dict[str, str]:
    """The editor preview's values: a fictitious resident, never a real case."""
    return {name: sample for name, (_, sample) in FIELDS.items() if name in allowed_fields(channel)}
