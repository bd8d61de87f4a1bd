"""The field paths the ``fields`` parameter of BRP Personen Bevragen v2 accepts.

Derived from the OpenAPI spec (``shared/haal-centraal/brp-personen-v2.7.0-openapi.resolved.json``)
by :func:`paths_from_spec`: every property path of ``PersoonBeperkt`` (answers to the Zoek… queries)
and ``Persoon`` (answers to RaadpleegMetBurgerservicenummer), through ``allOf``, arrays and the
``type`` discriminators (dates, verblijfplaats, nationaliteit, gezag). Fields the BRP delivers
automatically (:data:`AUTOMATIC_FIELDS`) may not be asked for. A test checks that the lists below
still equal what the spec yields; regenerate them with ``python -m demo.brp_fake.fieldpaths SPEC``.
Only full paths are supported (the real API also accepts some shortened ones).
"""
from __future__ import annotations

import json
import sys
from typing import Any

# Delivered without being asked for; naming them in ``fields`` is a 400.
AUTOMATIC_FIELDS = frozenset({"inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni",
                              "verificatie"})


def paths_from_spec(spec: dict[str, Any], schema_name: str) -> frozenset[str]:
    """All field paths of one response schema of the spec, without the automatic fields."""
    schemas = spec["components"]["schemas"]

    def resolve(schema: dict) -> dict:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def properties(schema: dict, abstract: dict | None = None) -> list[tuple[str, dict]]:
        schema = resolve(schema)
        if "items" in schema:
            return properties(schema["items"])
        found: list[tuple[str, dict]] = []
        for part in schema.get("allOf", []):
            if resolve(part) is not abstract:
                found += properties(part)
        found += list(schema.get("properties", {}).items())
        for ref in schema.get("discriminator", {}).get("mapping", {}).values():
            found += properties({"$ref": ref}, abstract=schema)
        return found

    paths: set[str] = set()

    def walk(schema: dict, prefix: str) -> None:
        for name, sub in properties(schema):
            if name in AUTOMATIC_FIELDS:
                continue
            paths.add(prefix + name)
            walk(sub, f"{prefix}{name}.")

    walk(schemas[schema_name], "")
    return frozenset(paths)


# PersoonBeperkt: 31 paths (generated)
PERSOON_BEPERKT_PATHS = frozenset({
    "adressering", "adressering.adresregel1", "adressering.adresregel2", "adressering.adresregel3",
    "adressering.indicatieVastgesteldVerblijftNietOpAdres", "adressering.land", "adressering.land.code",
    "adressering.land.omschrijving", "burgerservicenummer", "geboorte", "geboorte.datum", "geboorte.datum.datum",
    "geboorte.datum.jaar", "geboorte.datum.langFormaat", "geboorte.datum.maand", "geboorte.datum.onbekend",
    "geboorte.datum.type", "geslacht", "geslacht.code", "geslacht.omschrijving", "leeftijd", "naam",
    "naam.adellijkeTitelPredicaat", "naam.adellijkeTitelPredicaat.code", "naam.adellijkeTitelPredicaat.omschrijving",
    "naam.adellijkeTitelPredicaat.soort", "naam.geslachtsnaam", "naam.volledigeNaam", "naam.voorletters",
    "naam.voornamen", "naam.voorvoegsel",
})

# Persoon: 327 paths (generated)
PERSOON_PATHS = frozenset({
    "aNummer", "adressering", "adressering.aanhef", "adressering.aanschrijfwijze",
    "adressering.aanschrijfwijze.aanspreekvorm", "adressering.aanschrijfwijze.naam", "adressering.adresregel1",
    "adressering.adresregel2", "adressering.adresregel3", "adressering.gebruikInLopendeTekst",
    "adressering.indicatieVastgesteldVerblijftNietOpAdres", "adressering.land", "adressering.land.code",
    "adressering.land.omschrijving", "burgerservicenummer", "datumEersteInschrijvingGBA",
    "datumEersteInschrijvingGBA.datum", "datumEersteInschrijvingGBA.jaar", "datumEersteInschrijvingGBA.langFormaat",
    "datumEersteInschrijvingGBA.maand", "datumEersteInschrijvingGBA.onbekend", "datumEersteInschrijvingGBA.type",
    "datumInschrijvingInGemeente", "datumInschrijvingInGemeente.datum", "datumInschrijvingInGemeente.jaar",
    "datumInschrijvingInGemeente.langFormaat", "datumInschrijvingInGemeente.maand",
    "datumInschrijvingInGemeente.onbekend", "datumInschrijvingInGemeente.type", "europeesKiesrecht",
    "europeesKiesrecht.aanduiding", "europeesKiesrecht.aanduiding.code", "europeesKiesrecht.aanduiding.omschrijving",
    "europeesKiesrecht.einddatumUitsluiting", "europeesKiesrecht.einddatumUitsluiting.datum",
    "europeesKiesrecht.einddatumUitsluiting.jaar", "europeesKiesrecht.einddatumUitsluiting.langFormaat",
    "europeesKiesrecht.einddatumUitsluiting.maand", "europeesKiesrecht.einddatumUitsluiting.onbekend",
    "europeesKiesrecht.einddatumUitsluiting.type", "geboorte", "geboorte.datum", "geboorte.datum.datum",
    "geboorte.datum.jaar", "geboorte.datum.langFormaat", "geboorte.datum.maand", "geboorte.datum.onbekend",
    "geboorte.datum.type", "geboorte.land", "geboorte.land.code", "geboorte.land.omschrijving", "geboorte.plaats",
    "geboorte.plaats.code", "geboorte.plaats.omschrijving", "gemeenteVanInschrijving", "gemeenteVanInschrijving.code",
    "gemeenteVanInschrijving.omschrijving", "geslacht", "geslacht.code", "geslacht.omschrijving", "gezag",
    "gezag.derde", "gezag.derde.burgerservicenummer", "gezag.derde.naam", "gezag.derde.naam.volledigeNaam",
    "gezag.derde.type", "gezag.derden", "gezag.derden.burgerservicenummer", "gezag.derden.naam",
    "gezag.derden.naam.volledigeNaam", "gezag.derden.type", "gezag.minderjarige",
    "gezag.minderjarige.burgerservicenummer", "gezag.minderjarige.leeftijd", "gezag.minderjarige.naam",
    "gezag.minderjarige.naam.volledigeNaam", "gezag.ouder", "gezag.ouder.burgerservicenummer", "gezag.ouder.naam",
    "gezag.ouder.naam.volledigeNaam", "gezag.ouders", "gezag.ouders.burgerservicenummer", "gezag.ouders.naam",
    "gezag.ouders.naam.volledigeNaam", "gezag.toelichting", "gezag.type", "immigratie",
    "immigratie.datumVestigingInNederland", "immigratie.datumVestigingInNederland.datum",
    "immigratie.datumVestigingInNederland.jaar", "immigratie.datumVestigingInNederland.langFormaat",
    "immigratie.datumVestigingInNederland.maand", "immigratie.datumVestigingInNederland.onbekend",
    "immigratie.datumVestigingInNederland.type", "immigratie.indicatieVestigingVanuitBuitenland",
    "immigratie.landVanwaarIngeschreven", "immigratie.landVanwaarIngeschreven.code",
    "immigratie.landVanwaarIngeschreven.omschrijving", "immigratie.vanuitVerblijfplaatsOnbekend",
    "indicatieCurateleRegister", "indicatieGezagMinderjarige", "indicatieGezagMinderjarige.code",
    "indicatieGezagMinderjarige.omschrijving", "kinderen", "kinderen.burgerservicenummer", "kinderen.geboorte",
    "kinderen.geboorte.datum", "kinderen.geboorte.datum.datum", "kinderen.geboorte.datum.jaar",
    "kinderen.geboorte.datum.langFormaat", "kinderen.geboorte.datum.maand", "kinderen.geboorte.datum.onbekend",
    "kinderen.geboorte.datum.type", "kinderen.geboorte.land", "kinderen.geboorte.land.code",
    "kinderen.geboorte.land.omschrijving", "kinderen.geboorte.plaats", "kinderen.geboorte.plaats.code",
    "kinderen.geboorte.plaats.omschrijving", "kinderen.naam", "kinderen.naam.adellijkeTitelPredicaat",
    "kinderen.naam.adellijkeTitelPredicaat.code", "kinderen.naam.adellijkeTitelPredicaat.omschrijving",
    "kinderen.naam.adellijkeTitelPredicaat.soort", "kinderen.naam.geslachtsnaam", "kinderen.naam.voorletters",
    "kinderen.naam.voornamen", "kinderen.naam.voorvoegsel", "leeftijd", "naam", "naam.aanduidingNaamgebruik",
    "naam.aanduidingNaamgebruik.code", "naam.aanduidingNaamgebruik.omschrijving", "naam.adellijkeTitelPredicaat",
    "naam.adellijkeTitelPredicaat.code", "naam.adellijkeTitelPredicaat.omschrijving",
    "naam.adellijkeTitelPredicaat.soort", "naam.geslachtsnaam", "naam.volledigeNaam", "naam.voorletters",
    "naam.voornamen", "naam.voorvoegsel", "nationaliteiten", "nationaliteiten.datumIngangGeldigheid",
    "nationaliteiten.datumIngangGeldigheid.datum", "nationaliteiten.datumIngangGeldigheid.jaar",
    "nationaliteiten.datumIngangGeldigheid.langFormaat", "nationaliteiten.datumIngangGeldigheid.maand",
    "nationaliteiten.datumIngangGeldigheid.onbekend", "nationaliteiten.datumIngangGeldigheid.type",
    "nationaliteiten.nationaliteit", "nationaliteiten.nationaliteit.code",
    "nationaliteiten.nationaliteit.omschrijving", "nationaliteiten.redenOpname", "nationaliteiten.redenOpname.code",
    "nationaliteiten.redenOpname.omschrijving", "nationaliteiten.type", "ouders", "ouders.burgerservicenummer",
    "ouders.datumIngangFamilierechtelijkeBetrekking", "ouders.datumIngangFamilierechtelijkeBetrekking.datum",
    "ouders.datumIngangFamilierechtelijkeBetrekking.jaar",
    "ouders.datumIngangFamilierechtelijkeBetrekking.langFormaat",
    "ouders.datumIngangFamilierechtelijkeBetrekking.maand", "ouders.datumIngangFamilierechtelijkeBetrekking.onbekend",
    "ouders.datumIngangFamilierechtelijkeBetrekking.type", "ouders.geboorte", "ouders.geboorte.datum",
    "ouders.geboorte.datum.datum", "ouders.geboorte.datum.jaar", "ouders.geboorte.datum.langFormaat",
    "ouders.geboorte.datum.maand", "ouders.geboorte.datum.onbekend", "ouders.geboorte.datum.type",
    "ouders.geboorte.land", "ouders.geboorte.land.code", "ouders.geboorte.land.omschrijving",
    "ouders.geboorte.plaats", "ouders.geboorte.plaats.code", "ouders.geboorte.plaats.omschrijving", "ouders.geslacht",
    "ouders.geslacht.code", "ouders.geslacht.omschrijving", "ouders.naam", "ouders.naam.adellijkeTitelPredicaat",
    "ouders.naam.adellijkeTitelPredicaat.code", "ouders.naam.adellijkeTitelPredicaat.omschrijving",
    "ouders.naam.adellijkeTitelPredicaat.soort", "ouders.naam.geslachtsnaam", "ouders.naam.voorletters",
    "ouders.naam.voornamen", "ouders.naam.voorvoegsel", "ouders.ouderAanduiding", "overlijden", "overlijden.datum",
    "overlijden.datum.datum", "overlijden.datum.jaar", "overlijden.datum.langFormaat", "overlijden.datum.maand",
    "overlijden.datum.onbekend", "overlijden.datum.type", "overlijden.land", "overlijden.land.code",
    "overlijden.land.omschrijving", "overlijden.plaats", "overlijden.plaats.code", "overlijden.plaats.omschrijving",
    "partners", "partners.aangaanHuwelijkPartnerschap", "partners.aangaanHuwelijkPartnerschap.datum",
    "partners.aangaanHuwelijkPartnerschap.datum.datum", "partners.aangaanHuwelijkPartnerschap.datum.jaar",
    "partners.aangaanHuwelijkPartnerschap.datum.langFormaat", "partners.aangaanHuwelijkPartnerschap.datum.maand",
    "partners.aangaanHuwelijkPartnerschap.datum.onbekend", "partners.aangaanHuwelijkPartnerschap.datum.type",
    "partners.aangaanHuwelijkPartnerschap.land", "partners.aangaanHuwelijkPartnerschap.land.code",
    "partners.aangaanHuwelijkPartnerschap.land.omschrijving", "partners.aangaanHuwelijkPartnerschap.plaats",
    "partners.aangaanHuwelijkPartnerschap.plaats.code", "partners.aangaanHuwelijkPartnerschap.plaats.omschrijving",
    "partners.burgerservicenummer", "partners.geboorte", "partners.geboorte.datum", "partners.geboorte.datum.datum",
    "partners.geboorte.datum.jaar", "partners.geboorte.datum.langFormaat", "partners.geboorte.datum.maand",
    "partners.geboorte.datum.onbekend", "partners.geboorte.datum.type", "partners.geboorte.land",
    "partners.geboorte.land.code", "partners.geboorte.land.omschrijving", "partners.geboorte.plaats",
    "partners.geboorte.plaats.code", "partners.geboorte.plaats.omschrijving", "partners.geslacht",
    "partners.geslacht.code", "partners.geslacht.omschrijving", "partners.naam",
    "partners.naam.adellijkeTitelPredicaat", "partners.naam.adellijkeTitelPredicaat.code",
    "partners.naam.adellijkeTitelPredicaat.omschrijving", "partners.naam.adellijkeTitelPredicaat.soort",
    "partners.naam.geslachtsnaam", "partners.naam.voorletters", "partners.naam.voornamen",
    "partners.naam.voorvoegsel", "partners.ontbindingHuwelijkPartnerschap",
    "partners.ontbindingHuwelijkPartnerschap.datum", "partners.ontbindingHuwelijkPartnerschap.datum.datum",
    "partners.ontbindingHuwelijkPartnerschap.datum.jaar", "partners.ontbindingHuwelijkPartnerschap.datum.langFormaat",
    "partners.ontbindingHuwelijkPartnerschap.datum.maand", "partners.ontbindingHuwelijkPartnerschap.datum.onbekend",
    "partners.ontbindingHuwelijkPartnerschap.datum.type", "partners.soortVerbintenis",
    "partners.soortVerbintenis.code", "partners.soortVerbintenis.omschrijving", "uitsluitingKiesrecht",
    "uitsluitingKiesrecht.einddatum", "uitsluitingKiesrecht.einddatum.datum", "uitsluitingKiesrecht.einddatum.jaar",
    "uitsluitingKiesrecht.einddatum.langFormaat", "uitsluitingKiesrecht.einddatum.maand",
    "uitsluitingKiesrecht.einddatum.onbekend", "uitsluitingKiesrecht.einddatum.type",
    "uitsluitingKiesrecht.uitgeslotenVanKiesrecht", "verblijfplaats",
    "verblijfplaats.adresseerbaarObjectIdentificatie", "verblijfplaats.datumIngangGeldigheid",
    "verblijfplaats.datumIngangGeldigheid.datum", "verblijfplaats.datumIngangGeldigheid.jaar",
    "verblijfplaats.datumIngangGeldigheid.langFormaat", "verblijfplaats.datumIngangGeldigheid.maand",
    "verblijfplaats.datumIngangGeldigheid.onbekend", "verblijfplaats.datumIngangGeldigheid.type",
    "verblijfplaats.datumVan", "verblijfplaats.datumVan.datum", "verblijfplaats.datumVan.jaar",
    "verblijfplaats.datumVan.langFormaat", "verblijfplaats.datumVan.maand", "verblijfplaats.datumVan.onbekend",
    "verblijfplaats.datumVan.type", "verblijfplaats.functieAdres", "verblijfplaats.functieAdres.code",
    "verblijfplaats.functieAdres.omschrijving", "verblijfplaats.indicatieVastgesteldVerblijftNietOpAdres",
    "verblijfplaats.nummeraanduidingIdentificatie", "verblijfplaats.type", "verblijfplaats.verblijfadres",
    "verblijfplaats.verblijfadres.aanduidingBijHuisnummer",
    "verblijfplaats.verblijfadres.aanduidingBijHuisnummer.code",
    "verblijfplaats.verblijfadres.aanduidingBijHuisnummer.omschrijving", "verblijfplaats.verblijfadres.huisletter",
    "verblijfplaats.verblijfadres.huisnummer", "verblijfplaats.verblijfadres.huisnummertoevoeging",
    "verblijfplaats.verblijfadres.korteStraatnaam", "verblijfplaats.verblijfadres.land",
    "verblijfplaats.verblijfadres.land.code", "verblijfplaats.verblijfadres.land.omschrijving",
    "verblijfplaats.verblijfadres.locatiebeschrijving", "verblijfplaats.verblijfadres.officieleStraatnaam",
    "verblijfplaats.verblijfadres.postcode", "verblijfplaats.verblijfadres.regel1",
    "verblijfplaats.verblijfadres.regel2", "verblijfplaats.verblijfadres.regel3",
    "verblijfplaats.verblijfadres.woonplaats", "verblijfstitel", "verblijfstitel.aanduiding",
    "verblijfstitel.aanduiding.code", "verblijfstitel.aanduiding.omschrijving", "verblijfstitel.datumEinde",
    "verblijfstitel.datumEinde.datum", "verblijfstitel.datumEinde.jaar", "verblijfstitel.datumEinde.langFormaat",
    "verblijfstitel.datumEinde.maand", "verblijfstitel.datumEinde.onbekend", "verblijfstitel.datumEinde.type",
    "verblijfstitel.datumIngang", "verblijfstitel.datumIngang.datum", "verblijfstitel.datumIngang.jaar",
    "verblijfstitel.datumIngang.langFormaat", "verblijfstitel.datumIngang.maand",
    "verblijfstitel.datumIngang.onbekend", "verblijfstitel.datumIngang.type",
})



# --- applying ``fields`` to a person -----------------------------------------------------------

_WHOLE = True  # a tree leaf: take the whole value


def _tree(paths: list[str]) -> dict:
    tree: dict = {}
    for path in paths:
        node = tree
        parts = path.split(".")
        for depth, part in enumerate(parts):
            if node.get(part) is _WHOLE:
                break
            if depth == len(parts) - 1:
                node[part] = _WHOLE
            else:
                node = node.setdefault(part, {})
    return tree


def _is_value_object(value: dict) -> bool:
    """Dates and table values (Waardetabel) are delivered whole whichever of their fields is asked."""
    return "langFormaat" in value or (bool(value) and set(value) <= {"code", "omschrijving", "soort"})


def _select(value: Any, tree: Any) -> Any:
    if tree is _WHOLE:
        return value
    if isinstance(value, list):
        picked = [_select(item, tree) for item in value]
        return [item for item in picked if item not in (None, {}, [])]
    if not isinstance(value, dict) or _is_value_object(value):
        return value
    out = {key: _select(value[key], sub) for key, sub in tree.items() if key in value}
    out = {key: item for key, item in out.items() if item not in (None, {}, [])}
    if out and "type" in value:  # the discriminator of verblijfplaats, nationaliteit, …
        out = {"type": value["type"], **out}
    return out


def select_fields(person: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The person with only the asked-for fields, plus the automatically delivered ones."""
    selected = _select(person, _tree(paths))
    for name in ("geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie"):
        if person.get(name):
            selected[name] = person[name]
    return selected

if __name__ == "__main__":  # print the current lists for a spec file
    with open(sys.argv[1], encoding="utf-8") as handle:
        _spec = json.load(handle)
    for _name in ("PersoonBeperkt", "Persoon"):
        print(_name, sorted(paths_from_spec(_spec, _name)))
