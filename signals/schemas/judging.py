"""Judging delivered items: per item the signal, the field errors that refuse it and the warnings
about optional values that could not be used (see :mod:`signals.schemas`)."""
import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from vroegsignalering.common.api import (
    SIGNAL_WORDING,
    FieldError,
    capped,
    field_name,
    pydantic_message,
)
from vroegsignalering.common.vocab import SignalKind

from .. import normalise
from .contract import SIGNAL_ID_REASON, Achterstand, Adres, Klant, Signaal, _rule
from .text import clean_item

# A pattern that does not match gets this reason instead of the generic "Ongeldige notatie.".
PATTERN_REASONS = {
    "gemeentecode": "Geef de CBS-gemeentecode van 4 cijfers, bv. \"0363\".",
    "signaalId": SIGNAL_ID_REASON,
}


# --- Optional values: kept as delivered, left out of the signal, reported ---------------------

# Every field but these may be left out of a signal when its value cannot be used. The required
# ones: signaalId, gemeentecode, soortVasteLast, klant, adres (postcode, huisnummer) and
# achterstand (bedrag, vervaldatumOudsteFactuur); also klant.geslachtsnaam or klant.bedrijfsnaam
# (one of them must be usable) and the date a crisis soortSignaal requires (see _requirements).
# soortSignaal is vroegsignaal only when it is absent: a value that is present but not one of the
# four refuses the signal, for a misspelt "ontruimming" must not turn an eviction into a vroegsignaal.
OPTIONAL_FIELDS = frozenset({
    ("warmeOverdracht",), ("contractnummer",), ("signaaldatum",),
    ("datumEindeLevering",), ("datumAfsluiting",), ("datumOntruiming",),
    ("klant", "geslachtsnaam"), ("klant", "bedrijfsnaam"), ("klant", "voorvoegsel"), ("klant", "voornamen"),
    ("klant", "voorletters"), ("klant", "geboortedatum"), ("klant", "telefoonnummers"), ("klant", "emailadres"),
    ("adres", "huisletter"), ("adres", "huisnummertoevoeging"), ("adres", "straatnaam"), ("adres", "woonplaats"),
    ("achterstand", "aantalTermijnen"), ("achterstand", "termijnbedrag"),
})
MAX_PHONE_NUMBERS = 5
# Phone numbers judged one by one; any after these are left out together, in one warning.
MAX_PHONE_NUMBERS_JUDGED = 10
# Unknown fields named one by one; the rest are counted in one entry (a body of 200,000 unknown keys
# gets a short answer, fast: they are taken out before the model sees them).
MAX_UNKNOWN_NAMED = 5
# A raw value longer than this (as JSON text) is stored cut off; the content hash uses it whole.
MAX_STORED_RAW = 1000


@dataclass(frozen=True, slots=True)
class Unusable:
    """An optional value that could not be used: left out of the signal, kept as delivered."""

    name: str
    code: str
    reason: str
    value: Any

    def as_contract(self) -> dict:
        return {"naam": self.name, "code": self.code, "reden": self.reason}

    def as_stored(self) -> dict:
        return {**self.as_contract(), "waarde": stored_raw(self.value)}


def stored_raw(value: Any) -> Any:
    """The raw value as stored on the signal: as delivered, cut off when very long."""
    if isinstance(value, str):
        return value if len(value) <= MAX_STORED_RAW else value[:MAX_STORED_RAW] + "…"
    text = json.dumps(value, ensure_ascii=False)
    return value if len(text) <= MAX_STORED_RAW else text[:MAX_STORED_RAW] + "…"


@dataclass(frozen=True, slots=True)
class Judgement:
    """One item judged: the signal (None when refused), its errors and its warnings."""

    signal: Signaal | None
    errors: tuple[FieldError, ...] = ()
    warnings: tuple[Unusable, ...] = ()
    signal_id: str | None = None  # as delivered (NFC), when it is text that can be stored


def _optional_field(loc: tuple) -> tuple | None:
    for size in (2, 1):
        if len(loc) >= size and tuple(loc[:size]) in OPTIONAL_FIELDS:
            return tuple(loc[:size])
    return None


def _pop(data: dict, path: tuple) -> Any:
    target = data
    for part in path[:-1]:
        target = target[part]
    return target.pop(path[-1])


_phone = TypeAdapter(Annotated[str, Field(max_length=500), AfterValidator(_rule(normalise.phone_number))])


def _phone_numbers(data: dict) -> list[Unusable]:
    """Normalise the phone numbers one by one (E.164): keep the usable ones (at most five), report the rest."""
    klant = data.get("klant")
    numbers = klant.get("telefoonnummers") if isinstance(klant, dict) else None
    if not isinstance(numbers, list):
        return []  # absent, null, or not a list: the model judges it
    kept, unusable = [], []
    if len(numbers) > MAX_PHONE_NUMBERS_JUDGED:
        rest = numbers[MAX_PHONE_NUMBERS_JUDGED:]
        numbers = numbers[:MAX_PHONE_NUMBERS_JUDGED]
        unusable_rest = Unusable("klant.telefoonnummers", "max_items",
                                 f"Hoogstens {MAX_PHONE_NUMBERS} telefoonnummers; deze {len(rest)} zijn niet "
                                 "bekeken en niet gebruikt.", rest)
    else:
        unusable_rest = None
    for index, number in enumerate(numbers):
        name = f"klant.telefoonnummers[{index}]"
        try:
            normalised = _phone.validate_python(number)
        except ValidationError as exc:
            code, reason = pydantic_message(exc.errors(include_url=False, include_input=False)[0])
            unusable.append(Unusable(name, code, reason, number))
            continue
        if len(kept) == MAX_PHONE_NUMBERS:
            unusable.append(Unusable(name, "max_items", f"Hoogstens {MAX_PHONE_NUMBERS} telefoonnummers; "
                                                        "dit nummer is niet gebruikt.", number))
            continue
        kept.append(normalised)
    klant["telefoonnummers"] = kept
    return [*unusable, unusable_rest] if unusable_rest else unusable


# The fields the contract knows, per level of a signal.
_KNOWN_FIELDS = {(): frozenset(Signaal.model_fields), ("klant",): frozenset(Klant.model_fields),
                 ("adres",): frozenset(Adres.model_fields), ("achterstand",): frozenset(Achterstand.model_fields)}


def _unknown_fields(data: Any) -> list[FieldError]:
    """Take out the keys the contract does not know (they refuse the signal): the first
    :data:`MAX_UNKNOWN_NAMED` named, the rest counted in one entry."""
    names: list[str] = []
    for path, known in _KNOWN_FIELDS.items():
        container = data
        for part in path:
            container = container.get(part) if isinstance(container, dict) else None
        if not isinstance(container, dict):
            continue
        extra = [key for key in container if key not in known]
        for key in extra:
            del container[key]
        names.extend(field_name((*path, key)) for key in extra)
    errors = [FieldError(name, "unknown_field", SIGNAL_WORDING.unknown_field) for name in names[:MAX_UNKNOWN_NAMED]]
    if len(names) > MAX_UNKNOWN_NAMED:
        rest = f"{len(names) - MAX_UNKNOWN_NAMED:,}".replace(",", ".")
        errors.append(FieldError("signaal", "unknown_field", f"En nog {rest} onbekende velden; die horen niet in een "
                                                             "signaal en worden niet afzonderlijk genoemd."))
    return errors


def _judge(item: Any, *, today: dt.date) -> Judgement:
    data, errors = clean_item(item)
    raw_id = data.get("signaalId") if isinstance(data, dict) else None
    signal_id = raw_id if isinstance(raw_id, str) and not any(e.name == "signaalId" for e in errors) else None
    errors.extend(_unknown_fields(data))
    warnings: list[Unusable] = _phone_numbers(data) if isinstance(data, dict) else []
    signal = None
    while True:
        try:
            signal = Signaal.model_validate(data)
            break
        except ValidationError as exc:
            refusing: list[FieldError] = []
            dropped: dict[tuple, Unusable] = {}
            for error in exc.errors(include_url=False, include_input=False):
                loc = error["loc"]
                optional = _optional_field(loc) if error["type"] != "extra_forbidden" else None
                code, reason = pydantic_message(error)
                name = field_name(loc)
                if code == "invalid" and error["type"] == "string_pattern_mismatch":
                    reason = PATTERN_REASONS.get(name, reason)
                if optional is None:
                    refusing.append(FieldError(name or "signaal", code, reason))
                elif optional not in dropped:
                    dropped[optional] = Unusable(field_name(optional), code, reason, None)
            for path, unusable in dropped.items():
                warnings.append(Unusable(unusable.name, unusable.code, unusable.reason, _pop(data, path)))
            if refusing or not dropped:
                errors.extend(refusing)
                break
    if signal is not None:
        errors.extend(_requirements(signal, warnings, today=today))
    if errors:
        # Text that cannot be stored was judged in its escaped form: report only the character.
        bad = {e.name for e in errors if e.code == "invalid_character"}
        errors = [e for e in errors if e.code == "invalid_character" or e.name not in bad]
        warnings = [w for w in warnings if w.name not in bad]
        signal = None
    errors = capped(errors, name="signaal")
    warnings = capped(warnings, name="signaal", what="waarschuwingen",
                      make=lambda name, code, reason: Unusable(name, code, reason, None))
    return Judgement(signal, tuple(errors), tuple(warnings), signal_id)


_CRISIS_DATES = {
    SignalKind.EINDELEVERING: "datumEindeLevering",
    SignalKind.AFSLUITING: "datumAfsluiting",
    SignalKind.ONTRUIMING: "datumOntruiming",
}


# The code of a warning about a value that IS used but does not fit another one (not in the content hash).
INCONSISTENT = "inconsistent"


def _promote(warnings: list[Unusable], names: set[str]) -> list[FieldError]:
    """Warnings about values a rule turned out to need: now they refuse the signal."""
    promoted = [w for w in warnings if w.name in names]
    for warning in promoted:
        warnings.remove(warning)
    return [FieldError(w.name, w.code, w.reason) for w in promoted]


def _requirements(signal: Signaal, warnings: list[Unusable], *, today: dt.date) -> list[FieldError]:
    """Rules that span fields. May refuse (returns errors) or leave a value out (adds a warning)."""
    errors = []
    klant = signal.klant
    if not klant.geslachtsnaam and not klant.bedrijfsnaam:
        errors += _promote(warnings, {"klant.geslachtsnaam", "klant.bedrijfsnaam"}) or [
            FieldError("klant.geslachtsnaam", "required", "Geef de geslachtsnaam (of een bedrijfsnaam).")
        ]
    date_field = _CRISIS_DATES.get(signal.soortSignaal)
    if date_field and getattr(signal, date_field) is None:
        errors += _promote(warnings, {date_field}) or [
            FieldError(date_field, "required", f"Verplicht bij soortSignaal '{signal.soortSignaal}'.")
        ]
    if not date_field:  # a crisis date on a vroegsignaal: kept, and the creditor is told
        for kind, name in _CRISIS_DATES.items():
            if getattr(signal, name) is not None:
                warnings.append(Unusable(name, INCONSISTENT, (
                    f"Een {name} hoort bij soortSignaal '{kind}'; dit signaal is ontvangen als "
                    f"'{signal.soortSignaal}' (de datum is bewaard). Gaat het om {kind}? Lever het dan opnieuw "
                    f"aan met soortSignaal '{kind}' en een nieuw signaalId."), getattr(signal, name).isoformat()))
    if signal.achterstand.vervaldatumOudsteFactuur.year < 1990:
        errors.append(
            FieldError("achterstand.vervaldatumOudsteFactuur", "invalid", "De vervaldatum ligt vóór 1990.")
        )
    born = klant.geboortedatum
    if born is not None and (born > today or born.year < 1900):
        reason = "De geboortedatum ligt in de toekomst." if born > today else "De geboortedatum ligt vóór 1900."
        warnings.append(Unusable("klant.geboortedatum", "invalid", reason, born.isoformat()))
        klant.geboortedatum = None
    if signal.signaaldatum is not None and signal.signaaldatum > today + dt.timedelta(days=1):
        warnings.append(Unusable("signaaldatum", "invalid", "De signaaldatum ligt in de toekomst.",
                                 signal.signaaldatum.isoformat()))
        signal.signaaldatum = None
    return errors


def judge_signals(items: list[Any], *, today: dt.date) -> list[Judgement]:
    """Judge every item on its own: per item the signal or all its errors, and its warnings."""
    return [_judge(item, today=today) for item in items]


def validate_signals(items: list[Any], *, today: dt.date) -> list[Signaal | list[FieldError]]:
    """Per item the signal (possibly without some unusable optional values) or its errors."""
    return [j.signal if j.signal is not None else list(j.errors) for j in judge_signals(items, today=today)]
