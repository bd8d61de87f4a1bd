"""The communities of the demo population: names as the Netherlands' communities carry them.

Names with the spellings creditors meet: Dutch names with prefixes ("'t Hart", "van der Berg"),
Moroccan ("El Idrissi", "Ben Ali": the particle is part of the geslachtsnaam in the BRP), Turkish
(diacritics: "Öztürk", "Şahin"), Surinamese, Antillean and Polish. A household's community is a stable
function of its key, drawn apart from the main stream (ages, sizes and addresses are the same as without
communities). Shares are assumptions. Adults get fixed-line or foreign mobile numbers too, and some
e-mail addresses keep letters outside ASCII with an internationalised subdomain.
"""
from __future__ import annotations

import hashlib

from .people import Person, ascii_letters
from .rng import Rng, cumulative

# (community, share, male names, female names, (voorvoegsel, geslachtsnaam) pairs, foreign country code)
COMMUNITIES = (
    ("nederlands", 0.76, (), (), (), ""),
    ("nederlands-voorvoegsel", 0.04, (), (),
     (("'t", "Hart"), ("van der", "Berg"), ("ten", "Brink"), ("d'", "Ancona"), ("van 't", "Hof"),
      ("in 't", "Veld"), ("van der", "Zee"), ("de la", "Rive")), ""),
    ("marokkaans", 0.05, ("Mohamed", "Youssef", "Hamza", "Bilal", "Soufiane", "Anouar", "Karim"),
     ("Fatima", "Khadija", "Nora", "Samira", "Imane", "Hafsa", "Naima"),
     (("", "El Idrissi"), ("", "El Amrani"), ("", "Ben Ali"), ("", "Bouzid"), ("", "El Khatib"),
      ("", "Ait Taleb"), ("", "Benali")), "212"),
    ("turks", 0.05, ("Mehmet", "Mustafa", "Emre", "Burak", "Hüseyin", "Şükrü", "Oğuz"),
     ("Ayşe", "Elif", "Zeynep", "Emine", "Gülsen", "Özlem", "Büşra"),
     (("", "Yılmaz"), ("", "Kaya"), ("", "Şahin"), ("", "Çelik"), ("", "Yıldız"), ("", "Öztürk"),
      ("", "Doğan"), ("", "Aydın")), "90"),
    ("surinaams", 0.05, ("Ravi", "Dewkoemar", "Glenn", "Sunil", "Rudie", "Anand"),
     ("Anjali", "Sunita", "Rowena", "Shanti", "Marisca", "Priya"),
     (("", "Ramdin"), ("", "Jaggan"), ("", "Kartodikromo"), ("", "Bhagwandin"), ("", "Ritfeld"),
      ("", "Lie A Fo"), ("", "Pinas")), "597"),
    ("antilliaans", 0.02, ("Shurandy", "Giovanni", "Jurgen", "Ruthsel", "Edsel"),
     ("Rosalie", "Shanaira", "Jeanette", "Ivonne", "Gisette"),
     (("", "Martina"), ("", "Isenia"), ("", "Maduro"), ("", "Rosaria"), ("", "Sillé"), ("de", "Windt")), "5999"),
    ("pools", 0.03, ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał"),
     ("Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Zofia", "Ewa"),
     (("", "Nowak"), ("", "Wójcik"), ("", "Kowalczyk"), ("", "Woźniak"), ("", "Mazur"), ("", "Krawczyk")), "48"),
)
_COMMUNITY_CUMULATIVE = cumulative(share for _, share, *_ in COMMUNITIES)
# Fictitious numbers in each country's mobile ranges (possible and valid per phonenumbers' metadata).
_FOREIGN_MOBILE = {"212": ("61", 7), "90": ("53", 8), "597": ("8", 6), "5999": ("51", 5), "48": ("51", 7),
                   "32": ("47", 7), "49": ("151", 8)}
# Area codes of the demo municipalities (fixed lines); others get one of these.
_AREA_CODES = {"0518": "70", "0363": "20", "0216": "345", "0281": "344"}
_IDN_DOMAINS = ("örnek.example.com", "poczta.example.org", "müller.example.net", "bücher.example.com")
LANDLINE_SHARE = 0.10  # adults with a fixed line instead of a mobile number
FOREIGN_NUMBER_SHARE = 0.25  # adults of a migrant community with a number from the country of origin
NON_ASCII_EMAIL_SHARE = 0.5  # of e-mail addresses of names with letters outside ASCII


def with_community(municipality_code: str, persons: tuple[Person, ...]) -> tuple[Person, ...]:
    """The household's names and contact data per its community (see :data:`COMMUNITIES`)."""
    key = persons[0].key.rsplit("-", 1)[0]
    rng = Rng(int.from_bytes(hashlib.blake2b(f"demo-community:{key}".encode(), digest_size=8).digest(), "big"))
    name, _, males, females, surnames, country = rng.weighted(COMMUNITIES, _COMMUNITY_CUMULATIVE)
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    result = []
    for person in persons:
        voornamen, surname = person.voornamen, (person.voorvoegsel, person.geslachtsnaam)
        if surnames:
            surname = renamed.setdefault(surname, rng.pick(surnames))
        if males:
            names = males if person.geslacht == "M" else females
            given = [rng.pick(names) for _ in voornamen.split()]
            voornamen = " ".join(dict.fromkeys(given))
        phone = person.telefoonnummer
        if phone and person.key.endswith(("-1", "-2")):  # the adults of the household
            draw = rng.random()
            if country and draw < FOREIGN_NUMBER_SHARE:
                phone = _foreign_mobile(rng, country)
            elif draw > 1 - LANDLINE_SHARE:
                phone = f"0{_AREA_CODES.get(municipality_code, '20')}"
                phone += str(rng.between(2, 9)) + "".join(str(rng.below(10)) for _ in range(9 - len(phone)))
            elif name == "nederlands" and draw < 0.01:  # a Belgian or German contract
                phone = _foreign_mobile(rng, rng.pick(("32", "49")))
        email = person.emailadres
        if email:
            email = _email(rng, voornamen.split()[0], surname, email)
        result.append(Person(key=person.key, voornamen=voornamen, voorvoegsel=surname[0], geslachtsnaam=surname[1],
                             geslacht=person.geslacht, geboortedatum=person.geboortedatum, telefoonnummer=phone,
                             emailadres=email))
    return tuple(result)


def _foreign_mobile(rng: Rng, country: str) -> str:
    start, digits = _FOREIGN_MOBILE[country]
    return f"+{country}{start}" + "".join(str(rng.below(10)) for _ in range(digits))


def _email(rng: Rng, given: str, surname: tuple[str, str], email: str) -> str:
    """The person's address for these names: ASCII-folded as before, or (half of the names with
    letters outside ASCII) with those letters kept and an internationalised domain."""
    full = (surname[0] + surname[1]).replace(" ", "").replace("'", "")
    suffix = "".join(c for c in email.split("@")[0] if c.isdigit())
    if not (given + full).isascii() and rng.random() < NON_ASCII_EMAIL_SHARE:
        return f"{given.lower()}.{full.lower()}{suffix}@{rng.pick(_IDN_DOMAINS)}"
    return f"{ascii_letters(given)}.{ascii_letters(full)}{suffix}@{email.split('@')[1]}"
