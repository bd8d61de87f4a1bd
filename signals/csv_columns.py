"""The CSV format of signals, in the contract's words: its columns, their help text and an example,
and how one row's cells become the contract's nested `<Signaal>` dict.

A CSV file holds one contract `<Signaal>` per row, with the contract's field names as column
names (dotted for nested fields: ``adres.postcode``). Only notation is converted here (a Dutch
date, an amount with a thousands dot, ja/nee); judging is done by the delivery service.
Reading the file itself (encoding, delimiter, header, rows) is :mod:`signals.csv_format`.
"""
import datetime as dt
import re
from typing import Any

from .schemas import FieldError

COLUMNS: tuple[str, ...] = (
    "signaalId",
    "gemeentecode",
    "soortVasteLast",
    "soortSignaal",
    "warmeOverdracht",
    "klant.geslachtsnaam",
    "klant.voorvoegsel",
    "klant.voornamen",
    "klant.voorletters",
    "klant.bedrijfsnaam",
    "klant.geboortedatum",
    "klant.telefoonnummers",
    "klant.emailadres",
    "adres.postcode",
    "adres.huisnummer",
    "adres.huisletter",
    "adres.huisnummertoevoeging",
    "adres.straatnaam",
    "adres.woonplaats",
    "achterstand.bedrag",
    "achterstand.vervaldatumOudsteFactuur",
    "achterstand.aantalTermijnen",
    "achterstand.termijnbedrag",
    "contractnummer",
    "datumEindeLevering",
    "datumAfsluiting",
    "datumOntruiming",
    "signaaldatum",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "signaalId",
    "gemeentecode",
    "soortVasteLast",
    "adres.postcode",
    "adres.huisnummer",
    "achterstand.bedrag",
    "achterstand.vervaldatumOudsteFactuur",
)
# At least one of these (a contract in a trade name has no surname).
NAME_COLUMNS: tuple[str, ...] = ("klant.geslachtsnaam", "klant.bedrijfsnaam")
DATE_COLUMNS = frozenset({
    "klant.geboortedatum",
    "achterstand.vervaldatumOudsteFactuur",
    "datumEindeLevering",
    "datumAfsluiting",
    "datumOntruiming",
    "signaaldatum",
})
AMOUNT_COLUMNS = frozenset({"achterstand.bedrag", "achterstand.termijnbedrag"})
PHONE_SEPARATOR = "|"
NESTED_GROUPS = ("klant", "adres", "achterstand")

# For people: (column, required, what goes in it). Shown on the upload page; see docs/csv-formaat.md.
COLUMN_HELP: tuple[tuple[str, str, str], ...] = (
    ("signaalId", "ja",
     "Uw eigen unieke nummer voor dit signaal (1 tot 64 tekens). Een correctie krijgt een nieuw nummer."),
    ("gemeentecode", "ja", "CBS-code van de gemeente, 4 cijfers, bv. 0363 voor Amsterdam."),
    ("soortVasteLast", "ja", "huur, hypotheek, zorgverzekering, drinkwater, elektriciteit, gas, warmte, duo, "
                            "belastingdienst, toeslagen, cak_eigen_bijdrage of overig."),
    ("soortSignaal", "nee", "vroegsignaal (standaard, als de cel leeg is), eindelevering, afsluiting of ontruiming. "
                            "Een andere waarde weigert de rij."),
    ("warmeOverdracht", "nee", "ja of nee: u heeft al contact met de huurder en vraagt de gemeente het op te pakken."),
    ("klant.geslachtsnaam", "ja, tenzij bedrijfsnaam", "Achternaam zonder voorvoegsel, bv. Berg."),
    ("klant.voorvoegsel", "nee", "Bv. van den."),
    ("klant.voornamen", "nee", "Voornamen."),
    ("klant.voorletters", "nee", "Bv. K.J."),
    ("klant.bedrijfsnaam", "nee", "Als het contract op een handelsnaam staat."),
    ("klant.geboortedatum", "nee", "Datum, bv. 1979-03-14 of 14-3-1979."),
    ("klant.telefoonnummers", "nee", "Eén of meer nummers, gescheiden door | (verticale streep), hoogstens 5."),
    ("klant.emailadres", "nee", "E-mailadres."),
    ("adres.postcode", "ja", "Bv. 1011 AB."),
    ("adres.huisnummer", "ja", "Alleen het getal, bv. 12."),
    ("adres.huisletter", "nee", "Eén letter, bv. A."),
    ("adres.huisnummertoevoeging", "nee", "Hoogstens 4 letters of cijfers, bv. 2 of bis."),
    ("adres.straatnaam", "nee", "Straatnaam."),
    ("adres.woonplaats", "nee", "Woonplaats."),
    ("achterstand.bedrag", "ja", "Totale achterstand in euro's, groter dan 0, bv. 1250,00 of 1250.00."),
    ("achterstand.vervaldatumOudsteFactuur", "ja", "Vervaldatum van de oudste onbetaalde factuur of huurtermijn."),
    ("achterstand.aantalTermijnen", "nee", "Aantal onbetaalde termijnen, bv. 2."),
    ("achterstand.termijnbedrag", "nee", "Bedrag per termijn in euro's, bv. 625,00."),
    ("contractnummer", "nee", "Uw contract- of huurnummer (hoogstens 64 tekens)."),
    ("datumEindeLevering", "bij eindelevering", "Geplande datum einde levering."),
    ("datumAfsluiting", "bij afsluiting", "Geplande datum afsluiting."),
    ("datumOntruiming", "bij ontruiming", "Geplande datum ontruiming."),
    ("signaaldatum", "nee", "Datum van het signaal; leeg = de dag van ontvangst."),
)
assert tuple(name for name, _, _ in COLUMN_HELP) == COLUMNS

# A synthetic example (also offered as a download and shown in docs/csv-formaat.md).
EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "signaalId": "HUUR-2026-0001",
        "gemeentecode": "0363",
        "soortVasteLast": "huur",
        "soortSignaal": "vroegsignaal",
        "warmeOverdracht": "nee",
        "klant.geslachtsnaam": "Jansen",
        "klant.voornamen": "Petra",
        "klant.voorletters": "P.",
        "klant.geboortedatum": "1979-03-14",
        "klant.telefoonnummers": "06 12345678|020 1234567",
        "klant.emailadres": "p.jansen@example.nl",
        "adres.postcode": "1011 AB",
        "adres.huisnummer": "12",
        "adres.huisletter": "A",
        "adres.straatnaam": "Voorbeeldstraat",
        "adres.woonplaats": "Amsterdam",
        "achterstand.bedrag": "1250,00",
        "achterstand.vervaldatumOudsteFactuur": "2026-08-01",
        "achterstand.aantalTermijnen": "2",
        "achterstand.termijnbedrag": "625,00",
        "contractnummer": "HC-118",
    },
    {
        "signaalId": "HUUR-2026-0002",
        "gemeentecode": "0363",
        "soortVasteLast": "huur",
        "soortSignaal": "ontruiming",
        "warmeOverdracht": "ja",
        "klant.geslachtsnaam": "Berg",
        "klant.voorvoegsel": "van den",
        "klant.voorletters": "K.",
        "adres.postcode": "1011 AC",
        "adres.huisnummer": "7",
        "adres.huisnummertoevoeging": "2",
        "adres.straatnaam": "Proeflaan",
        "adres.woonplaats": "Amsterdam",
        "achterstand.bedrag": "2890,50",
        "achterstand.vervaldatumOudsteFactuur": "2026-05-01",
        "contractnummer": "HC-204",
        "datumOntruiming": "2026-12-15",
    },
)

DELIMITERS = (";", ",", "\t")  # in order of preference when the header does not tell

_TRUE = frozenset({"ja", "j", "true", "waar", "1"})
_FALSE = frozenset({"nee", "n", "false", "onwaar", "0"})
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+,\d{1,2}$")


def _cell_value(column: str, value: str) -> Any:
    """A cell's notation → what the contract expects. Only notation; the validator judges."""
    if column == "warmeOverdracht":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return value  # refused by the validator
    if column == "klant.telefoonnummers":
        return [part.strip() for part in value.split(PHONE_SEPARATOR) if part.strip()]
    if column == "gemeentecode" and value.isdigit() and len(value) < 4:
        return value.zfill(4)  # a spreadsheet dropped the leading zero: 363 → 0363
    if column in DATE_COLUMNS:
        match = _DUTCH_DATE.match(value)
        if match:  # 1-9-2026 (how a Dutch spreadsheet writes dates) → 2026-09-01
            day, month, year = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return value
        return value
    if column in AMOUNT_COLUMNS:
        amount = value.removeprefix("€").removeprefix("EUR").strip()
        if _DUTCH_THOUSANDS.match(amount):  # 1.250,00 → 1250,00
            amount = amount.replace(".", "")
        return amount
    return value


def row_to_item(columns: tuple[str, ...], cells: list[str]) -> tuple[dict | None, list[FieldError]]:
    """One row → the contract's nested `<Signaal>` dict; empty cells are absent fields."""
    if len(cells) == 1 < len(columns) and any(delimiter in cells[0] for delimiter in DELIMITERS):
        return None, [FieldError(
            "regel", "one_cell",
            "Deze regel is als één cel gelezen. Gebruik in elke regel hetzelfde scheidingsteken als in de "
            "kopregel, en zet niet de hele regel tussen aanhalingstekens.",
        )]
    extra = cells[len(columns) :]
    if any(cell.strip() for cell in extra):
        return None, [FieldError(
            "regel", "too_many_cells",
            "Deze regel heeft meer cellen dan de kopregel kolommen heeft. Controleer het "
            "scheidingsteken en de aanhalingstekens in deze regel.",
        )]
    item: dict[str, Any] = {group: {} for group in NESTED_GROUPS}
    for column, raw in zip(columns, cells, strict=False):
        value = raw.strip()
        if not value:
            continue
        converted = _cell_value(column, value)
        if "." in column:
            group, field = column.split(".", 1)
            item[group][field] = converted
        else:
            item[column] = converted
    return item, []

