"""How creditors write down what they know: the notations the demo signals carry.

Names with the notation noise creditors send (:func:`klant_as_sent`), contracts in a trade name
(:func:`trade_klant_as_sent`), phone numbers in every notation in use (:func:`_phone_notation`), a few
unusable contact values, and postcodes and house-number additions as typed (:func:`adres_as_sent`).
"""
from __future__ import annotations

import hashlib
import unicodedata
from typing import TYPE_CHECKING, Any

import phonenumbers

from .calibration import CONTACT_SHARES, PLACEHOLDER_BIRTH_DATE
from .people import Person
from .rng import Rng, pick_by

if TYPE_CHECKING:
    from .population import Household

_TRADES = ("Bakkerij", "Kapsalon", "Klusbedrijf", "Schildersbedrijf", "Installatiebedrijf", "Cafetaria",
           "Koeriersdienst", "Hoveniersbedrijf", "Schoonmaakbedrijf", "Taxibedrijf", "Fietsenmakerij")
_ENTITY_WORDS = ("Bouw", "Transport", "Beheer", "Holding", "Vastgoed", "Handelsonderneming", "Services")


def klant_as_sent(rng: Rng, person: Person) -> dict[str, Any]:
    """A person as a creditor knows them, with the notation noise creditors send: the prefix inside
    the surname ("van der Berg"), after it ("Berg, van der"), capitalised ("Van Der Berg"), a particle
    split off that the BRP keeps in the surname ("El" + "Idrissi"), diacritics dropped ("Ozturk"),
    capitals, or name parts reversed."""
    klant: dict[str, Any] = {}
    draw = rng.random()
    if draw < 0.01:  # name parts reversed
        klant["geslachtsnaam"] = person.voornamen.split()[0]
        klant["voornamen"] = person.geslachtsnaam
    else:
        surname, voornamen, prefix = person.geslachtsnaam, person.voornamen, person.voorvoegsel
        if 0.90 <= draw < 0.97:  # diacritics dropped by the creditor's system
            surname, voornamen, prefix = fold(surname), fold(voornamen), fold(prefix)
        surname = surname.upper() if draw > 0.98 else surname
        first, _, rest = surname.partition(" ")
        if prefix and draw < 0.10:  # prefix inside the surname: "van der Berg"
            klant["geslachtsnaam"] = f"{prefix} {surname}" if not prefix.endswith("'") else f"{prefix}{surname}"
        elif prefix and draw < 0.14:  # "Berg, van der"
            klant["geslachtsnaam"] = f"{surname}, {prefix}"
        elif prefix and draw < 0.18:  # "Van Der Berg"
            klant["geslachtsnaam"] = f"{_title(prefix)} {surname}"
        elif not prefix and rest and first in _PARTICLES and draw < 0.15:  # "El" split off "El Idrissi"
            klant["geslachtsnaam"] = rest
            klant["voorvoegsel"] = first if draw < 0.08 else first.lower()
        else:
            klant["geslachtsnaam"] = surname
            if prefix:
                klant["voorvoegsel"] = prefix.capitalize() if 0.18 <= draw < 0.22 else prefix
        names = rng.random()
        if names < 0.9:
            klant["voornamen"] = voornamen
        if names >= 0.7:
            klant["voorletters"] = person.voorletters if rng.random() < 0.5 else person.voorletters.lower()
    birth = rng.random()
    if birth < 0.01:
        klant["geboortedatum"] = PLACEHOLDER_BIRTH_DATE
    elif birth >= 0.05:
        klant["geboortedatum"] = person.geboortedatum.isoformat()
    _contact(rng, klant, person)
    return klant


_PARTICLES = frozenset({"El", "Ben", "Ait", "Lie"})
_NOT_DECOMPOSED = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss"})


def fold(text: str) -> str:
    """Diacritics dropped as older systems do: 'Öztürk' → 'Ozturk', 'Yılmaz' → 'Yilmaz'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _title(prefix: str) -> str:
    """'van der' → 'Van Der', "'t" → "'T"."""
    return " ".join(word[:1].upper() + word[1:] if word[0].isalpha() else word[:2].upper() + word[2:]
                    for word in prefix.split())


def trade_klant_as_sent(rng: Rng, person: Person) -> dict[str, Any]:
    """A contract in a trade name: an eenmanszaak (a natural person) or a legal entity."""
    family = f"{person.voorvoegsel.capitalize()} {person.geslachtsnaam}".strip()
    draw = rng.random()
    if draw < 0.25:  # legal entity: not to be followed up
        klant = {"bedrijfsnaam": f"{family} {rng.pick(_ENTITY_WORDS)} {rng.pick(('B.V.', 'B.V.', 'N.V.'))}"}
    elif draw < 0.5:  # eenmanszaak, trade name only
        klant = {"bedrijfsnaam": f"{rng.pick(_TRADES)} {family}"}
    else:  # eenmanszaak with the owner's name
        klant = klant_as_sent(rng, person)
        klant["bedrijfsnaam"] = f"{rng.pick(_TRADES)} {family}"
        return klant
    _contact(rng, klant, person)
    return klant


def _contact(rng: Rng, klant: dict[str, Any], person: Person) -> None:
    draw = rng.random()
    phone = bool(person.telefoonnummer) and draw < CONTACT_SHARES["both"] + CONTACT_SHARES["phone"]
    email = bool(person.emailadres) and (
        draw < CONTACT_SHARES["both"]
        or CONTACT_SHARES["both"] + CONTACT_SHARES["phone"] <= draw < 1 - CONTACT_SHARES["none"]
    )
    if phone:
        klant["telefoonnummers"] = [_phone_notation(rng, person.telefoonnummer)]
    if email:
        klant["emailadres"] = person.emailadres if rng.random() < 0.97 else person.emailadres.capitalize()
    _unusable_contact(klant, person)


# What creditors' files also hold: a few values nobody can use (kept apart from the random draws, so the
# rest of a generated month does not change). The intake stores them as delivered, with a warning.
_UNUSABLE_PHONES = ("onbekend", "06-1234", "tel. via dochter", "0000000000", "n.v.t.")
_UNUSABLE_EMAILS = ("geen", "jansen@", "info@@example.com", "n.v.t.")


def _unusable_contact(klant: dict[str, Any], person: Person) -> None:
    draw = int.from_bytes(hashlib.sha256(f"contact|{person.key}".encode()).digest()[:4], "big") % 1000
    if draw < 20:  # 2%: an extra phone entry that is no number
        klant["telefoonnummers"] = [*klant.get("telefoonnummers", []), _UNUSABLE_PHONES[draw % 5]]
    elif draw < 30 and "emailadres" not in klant:  # 1%: something in the e-mail field
        klant["emailadres"] = _UNUSABLE_EMAILS[draw % 4]


def _phone_notation(rng: Rng, number: str) -> str:
    """A number ('0612345678', '0701234567' or '+212612345678') in one of the notations creditors use:
    '06-12345678', '06 12 34 56 78', '+31 (0)6 1234 5678', '0031612345678', '(070) 123 4567',
    '+212 612-345678', '00212612345678', …"""
    draw = rng.random()
    if number.startswith("06"):
        sub = number[2:]
        notations = (number, f"06-{sub}", f"06 {sub}", f"+31 6 {sub[:4]} {sub[4:]}", f"+316{sub}",
                     "06 " + " ".join(sub[i:i + 2] for i in range(0, 8, 2)), f"+31 (0)6 {sub[:4]} {sub[4:]}",
                     f"00316{sub}")
        return pick_by(draw, notations, (0.33, 0.15, 0.12, 0.1, 0.08, 0.09, 0.07, 0.06))
    parsed = phonenumbers.parse(number, "NL")
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if number.startswith("0"):  # a Dutch fixed line
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        area, _, local = national.partition(" ")
        notations = (national, f"({area}) {local}", number, f"{area}-{local.replace(' ', '')}", international)
        return pick_by(draw, notations, (0.3, 0.25, 0.2, 0.15, 0.1))
    return pick_by(draw, (international, number, "00" + number[1:]), (0.5, 0.3, 0.2))


def adres_as_sent(rng: Rng, home: Household, place: str) -> dict[str, Any]:
    pc = home.postcode
    draw = rng.random()
    if draw < 0.70:
        postcode = f"{pc[:4]} {pc[4:]}"
    elif draw < 0.85:
        postcode = pc
    elif draw < 0.93:
        postcode = f"{pc[:4]} {pc[4:].lower()}"
    elif draw < 0.97:
        postcode = pc.lower()
    else:
        postcode = f"{pc} "
    adres: dict[str, Any] = {"postcode": postcode, "huisnummer": home.huisnummer}
    if home.huisletter:
        adres["huisletter"] = home.huisletter
    if home.huisnummertoevoeging:
        addition = home.huisnummertoevoeging
        adres["huisnummertoevoeging"] = f"-{addition}" if rng.random() < 0.1 else addition
    if rng.random() < 0.95:
        adres["straatnaam"] = home.straatnaam
    if place:
        adres["woonplaats"] = place.upper() if rng.random() < 0.1 else place
    return adres

