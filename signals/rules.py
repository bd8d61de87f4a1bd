"""The not-picked-up rules that need no other signal: legal entity, threshold, arrear age.

Pure functions over a signal (a :class:`signals.models.Signal` or anything with the same
attributes) and its :class:`accounts.models.Municipality`; nothing is read from or written to the
database. The check task calls :func:`not_picked_up` and, when it returns a decision, ends the
signal with the decision's DDAS end result and stores the rule and its details (the history row's
params; ``signals.history.rule_text`` words the reason). The rule
"herhaalde melding" needs earlier signals and cases: ``cases.matching.repeat_decision``, applied by
``signals.checks.checks_finish`` after the BRP and SHV checks.

Readings of the rules (DOMAIN.md "Checks on arrival" 3–4, Leidraad §3.4, §3.6 and §5.4, DDAS
EnumEindresultaat):

- **Legal entity** (rechtspersoon, → "Niet opgepakt: andere reden"; DDAS lists "de melding is
  bedoeld voor een rechtspersoon" under *andere reden*, so the creditor only learns "niet
  opgepakt"): the trade name or surname contains a legal form of a rechtspersoon: B.V., N.V.
  (dots and spaces optional), BVBA, "besloten/naamloze vennootschap", stichting and vereniging
  (both rechtspersonen, BW 2:3; also in compounds such as "Woonstichting", "Huurdersvereniging"),
  VvE, coöperatie/coöperatieve, onderlinge waarborgmaatschappij, kerkgenootschap, and the foreign
  GmbH and Ltd. Eenmanszaak, vof, maatschap and CV are natural persons and never match.
  A false positive denies a resident the offer, while a false negative only reaches the BRP check
  (a company is not found there and lands in fallout for a person to look at). So the rule is
  deliberately conservative (Leidraad §3.6.4: without "BV, NV o.i.d." in the name, assume a
  natural person):
    * forms are matched as whole words, never inside a word ("Abvakabo", "Nvidia" stay);
    * a dotted "B.V." / "N.V." at the very start of a name followed by more words, or right after
      a comma, reads as initials ("B.V. Jansen", "Jansen, N.V."), not as a legal form; so does
      "BV"/"NV" in any spelling when the signal's initials are exactly those letters;
    * when either name also names a natural-person form (v.o.f., C.V., maatschap, eenmanszaak),
      nothing is decided automatically: the signal is not treated as a legal entity.
- **Threshold** (drempelbedrag, → "Niet opgepakt: onterecht signaal"): the amount is strictly
  lower than the municipality's threshold (an amount equal to it is picked up); a threshold of 0
  means none. Exempt: the municipality's exempt creditor kinds (by default drinkwater) and every
  crisis signal (eindelevering, afsluiting, ontruiming): a disconnection or eviction threatens a
  basic need whatever the amount (Wgs art. 4.2 "bedreigende situatie"), and a small arrear is
  then the easiest to solve in time.
- **Arrear age** (→ "Niet opgepakt: onterecht signaal"): age in days = signal date − due date of
  the oldest unpaid invoice, against [minimum, maximum] for the creditor kind, both ends included
  (zorgverzekering 30–100: 30 and 100 are inside, 29 and 101 outside); a maximum of null means no
  upper bound. The municipality's own window for the kind applies; a kind missing from its
  settings falls back to the Convenant default (``DEFAULT_ARREAR_AGE_WINDOWS``); a kind with
  neither (hypotheek, duo, …) has no window and the rule does not apply. To switch the rule off
  for a kind, a municipality sets [0, null]. Crisis signals are exempt: their timing follows the
  disconnection/eviction rules, not the Convenant's early-warning windows.

Order: legal entity first (the Wgs does not apply at all), then arrear age, then threshold.
The reasons (worded in ``signals.history``) are Dutch, for the worker only; never sent to the creditor.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db import models

from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS, DEFAULT_ARREAR_AGE_WINDOWS, Outcome

from .history import rule_text


class SignalLike(Protocol):
    # Also read when present: ``initials`` (B.V./N.V. equal to them read as initials).
    trade_name: str
    surname: str
    amount: Decimal
    creditor_kind: str
    signal_kind: str
    oldest_due_date: dt.date
    signal_date: dt.date


class MunicipalityLike(Protocol):
    name: str
    threshold_amount: Decimal
    threshold_exempt_kinds: list[str]
    arrear_age_windows: dict[str, list[int | None]]


class Rule(models.TextChoices):
    """Which not-picked-up rule fired (stored with the decision, shown to the worker)."""

    RECHTSPERSOON = "rechtspersoon", "Rechtspersoon"
    TERMIJN_ACHTERSTAND = "termijn_achterstand", "Ouderdom achterstand buiten de termijn"
    DREMPELBEDRAG = "drempelbedrag", "Bedrag onder het drempelbedrag"


@dataclass(frozen=True, slots=True)
class RuleDecision:
    """The signal is not picked up: its DDAS end result, the rule and what made it fire (the legal
    form found; the arrear's age, dates and the window; the amount and the threshold). The worker's
    reason in Dutch is worded from these by ``signals.history.rule_text``; internal: never sent to
    the creditor."""

    outcome: Outcome
    rule: Rule
    form: str = ""  # rechtspersoon
    age_days: int | None = None  # termijn_achterstand
    window: tuple[int, int | None] | None = None
    oldest_due_date: dt.date | None = None
    signal_date: dt.date | None = None
    creditor_kind: str = ""
    amount: Decimal | None = None  # drempelbedrag
    threshold: Decimal | None = None
    municipality: str = ""  # the municipality's name, for the window and the threshold

    @property
    def params(self) -> dict:
        """The decision's details as JSON (the history row's params, with the rule)."""
        if self.rule == Rule.RECHTSPERSOON:
            return {"form": self.form}
        if self.rule == Rule.TERMIJN_ACHTERSTAND:
            low, high = self.window
            return {"age_days": self.age_days, "low": low, "high": high, "creditor_kind": self.creditor_kind,
                    "oldest_due_date": self.oldest_due_date.isoformat(), "signal_date": self.signal_date.isoformat(),
                    "municipality": self.municipality}
        return {"amount": str(self.amount), "threshold": str(self.threshold), "municipality": self.municipality}

    @property
    def reason(self) -> str:
        """Why, in Dutch (for the worker)."""
        return rule_text(self.rule, self.params)


# --- Legal entity ----------------------------------------------------------------------------

# Letters of an abbreviation, dots optional, at most one space after a dot: B.V. / BV / B.V / B. V.
def _abbreviation(letters: str) -> str:
    return r"(?:\.\s?)?".join(letters) + r"\.?"


_WORD_START = r"(?<![\w.])"
_WORD_END = r"(?!\.?\w)"  # "b.v" in "b.v.b.a." is no word of its own

# Abbreviations that could also be a person's initials (see _reads_as_initials).
_INITIAL_LIKE = re.compile(
    _WORD_START + r"(?P<form>" + _abbreviation("bv") + "|" + _abbreviation("nv") + r")" + _WORD_END
)
_LEGAL_FORMS = re.compile(
    _WORD_START
    + r"(?P<form>"
    + "|".join(
        [
            _abbreviation("bvba"),
            r"besloten\s+vennootschap",
            r"naamloze\s+vennootschap",
            r"\w*stichting",
            r"\w*vereniging",
            _abbreviation("vve"),
            r"cooperatie(?:ve)?",
            r"onderlinge\s+waarborgmaatschappij",
            r"kerkgenootschap",
            r"gmbh",
            r"ltd\.?",
        ]
    )
    + r")"
    + _WORD_END
)
_NATURAL_PERSON_FORMS = re.compile(
    _WORD_START
    + r"(?:"
    + "|".join(
        [
            r"eenmanszaak",
            _abbreviation("vof"),
            r"vennootschap\s+onder\s+firma",
            r"maatschap",
            _abbreviation("cv"),
            r"commanditaire\s+vennootschap",
        ]
    )
    + r")"
    + _WORD_END
    + r"(?!-)"  # "CV-ketel", "CV-installateur" name a boiler, not a partnership
)


def _normalise(name: str) -> str:
    """Lower case without diacritics (Coöperatie → cooperatie), whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.lower().split())


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", _normalise(text))


def _reads_as_initials(text: str, match: re.Match, initials: str) -> bool:
    """B.V./N.V. that are the signal's own initials, or dotted at the start followed by a name, or
    dotted right after a comma ("Jansen, B.V."): a person's initials, not a legal form."""
    form = match.group("form")
    if initials and _letters(form) == initials:
        return True
    if "." not in form:
        return False
    before = text[: match.start()].rstrip()
    after = text[match.end() :].strip()
    return (not before and bool(after)) or before.endswith(",")


def legal_form(signal: SignalLike) -> str | None:
    """The legal form of a rechtspersoon found in the trade name or surname (for the reason); else None."""
    initials = _letters(getattr(signal, "initials", "") or "")
    texts = [_normalise(name) for name in (signal.trade_name, signal.surname) if name and name.strip()]
    if any(_NATURAL_PERSON_FORMS.search(text) for text in texts):
        return None  # a vof, CV, maatschap or eenmanszaak is named: natural persons (see module docstring)
    for text in texts:
        for match in _INITIAL_LIKE.finditer(text):
            if not _reads_as_initials(text, match, initials):
                return _display(match.group("form"))
        if match := _LEGAL_FORMS.search(text):
            return _display(match.group("form"))
    return None


_ABBREVIATIONS = {"bv": "B.V.", "nv": "N.V.", "bvba": "BVBA", "vve": "VvE", "ltd": "Ltd", "gmbh": "GmbH"}


def _display(form: str) -> str:
    """How the worker sees the form: abbreviations in their usual spelling, words as found."""
    return _ABBREVIATIONS.get(re.sub(r"[\s.]", "", form), " ".join(form.split()))


def legal_entity(signal: SignalLike) -> bool:
    """Whether the signal is about a legal entity (rechtspersoon), by its names."""
    return legal_form(signal) is not None


# --- Threshold -------------------------------------------------------------------------------


def threshold_applies(signal: SignalLike, municipality: MunicipalityLike) -> bool:
    threshold = municipality.threshold_amount or Decimal("0")
    exempt = municipality.threshold_exempt_kinds or []
    return threshold > 0 and signal.creditor_kind not in exempt and signal.signal_kind not in CRISIS_SIGNAL_KINDS


def below_threshold(signal: SignalLike, municipality: MunicipalityLike) -> bool:
    """Whether the threshold rule fires: amount strictly below the threshold, not exempt."""
    return threshold_applies(signal, municipality) and signal.amount < municipality.threshold_amount


# --- Arrear age ------------------------------------------------------------------------------


def arrear_age_days(signal: SignalLike) -> int:
    return (signal.signal_date - signal.oldest_due_date).days


def arrear_age_window(signal: SignalLike, municipality: MunicipalityLike) -> tuple[int, int | None] | None:
    """[minimum, maximum or None] in days for the signal's creditor kind; None: no window."""
    windows = municipality.arrear_age_windows or {}
    window = windows.get(signal.creditor_kind)
    if window is None:
        window = DEFAULT_ARREAR_AGE_WINDOWS.get(signal.creditor_kind)
    if window is None:
        return None
    low, high = window
    return int(low or 0), (None if high is None else int(high))


def arrear_age_outside_window(signal: SignalLike, municipality: MunicipalityLike) -> bool:
    """Whether the arrear-age rule fires: age below the minimum or above the maximum, not exempt."""
    if signal.signal_kind in CRISIS_SIGNAL_KINDS:
        return False
    window = arrear_age_window(signal, municipality)
    if window is None:
        return False
    low, high = window
    age = arrear_age_days(signal)
    return age < low or (high is not None and age > high)


# --- Entry point -----------------------------------------------------------------------------




def not_picked_up(signal: SignalLike, municipality: MunicipalityLike) -> RuleDecision | None:
    """The first rule that fires (legal entity, arrear age, threshold), or None: check further."""
    if form := legal_form(signal):
        return RuleDecision(Outcome.ANDERE_REDEN, Rule.RECHTSPERSOON, form=form)
    if arrear_age_outside_window(signal, municipality):
        return RuleDecision(
            Outcome.ONTERECHT_SIGNAAL, Rule.TERMIJN_ACHTERSTAND, age_days=arrear_age_days(signal),
            window=arrear_age_window(signal, municipality), oldest_due_date=signal.oldest_due_date,
            signal_date=signal.signal_date, creditor_kind=str(signal.creditor_kind), municipality=municipality.name,
        )
    if below_threshold(signal, municipality):
        return RuleDecision(Outcome.ONTERECHT_SIGNAAL, Rule.DREMPELBEDRAG, amount=signal.amount,
                            threshold=municipality.threshold_amount, municipality=municipality.name)
    return None
