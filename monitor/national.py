"""The national figures of 2024 the monitor compares with, each as the seed states it.

Source: Divosa, *Monitor Vroegsignalering Schulden, Jaarrapportage 2024* (April 2025), stored as
``shared/seeds/000_813a846cf81c46ec.txt``; ``line`` is the line of that file, ``quote`` the sentence.
Only figures the report states in its text; where it gives a figure for early signals only
(vroegsignalen, without the eindeleveringssignalen), the comparison says so in ``note``.
The keys are the figure keys of ``monitor.figures``.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SOURCE = "Divosa, Monitor Vroegsignalering Schulden, Jaarrapportage 2024"


@dataclass(frozen=True)
class National:
    value: Fraction  # a share (0..1) or a number per 1,000 inhabitants per month
    line: int
    quote: str
    note: str = ""


def _pct(value: str) -> Fraction:
    return Fraction(value.replace(",", ".")) / 100


NATIONAL_2024: dict[str, National] = {
    # signals
    "signalen_per_1000": National(Fraction("4.8"), 26, "Met deze signalen erbij krijgt een gemeente gemiddeld 4,8 "
                                  "signalen per 1000 inwoners per maand.", "vroeg- en eindeleveringssignalen samen"),
    "vroegsignalen_per_1000": National(Fraction("4.4"), 25, "Gemiddeld ontvingen de deelnemende gemeenten in 2024 "
                                       "4,4 vroegsignalen per 1000 inwoners per maand."),
    "soort_aandeel:zorgverzekering": National(_pct("41"), 29, "41% van de signalen is afkomstig van "
                                              "zorgverzekeraars."),
    "bedrag_aandeel:<100": National(_pct("11"), 234, "Er zijn iets meer bedragen tot 100 euro (11% in plaats van "
                                    "7% van de vroegsignalen).", "van de vroegsignalen"),
    # picked up or not
    "in_melding_aandeel": National(_pct("83"), 32, "83% van de signalen is onderdeel van een melding en wordt "
                                   "opgepakt."),
    "onterecht_van_niet_opgepakt": National(_pct("28"), 33, "dat de gemeente het als een onterecht signaal ziet, "
                                            "veelal wanneer men de hoogte van de betalingsachterstand te laag "
                                            "vindt (28%)"),
    "reden_van_niet_opgepakt:herhaald": National(_pct("25"), 34, "vanwege het feit dat het om een herhaalde "
                                                 "melding gaat (25%)"),
    "reden_van_niet_opgepakt:niet_in_brp": National(_pct("21"), 35, "omdat iemand niet bekend is in het BRP "
                                                    "(21%)"),
    "reden_van_niet_opgepakt:bekend_shv": National(
        _pct("3"), 35, "Bij 3% van de signalen wordt het signaal bij voorbaat niet opgepakt omdat dan al bekend is "
        "dat de inwoner bekend is bij schuldhulpverlening", "het rapport noemt het in de rij van redenen "
        "(21% tot 28%), de zin zegt '3% van de signalen'"),
    # meldingen
    "meldingen_vroeg_per_1000": National(Fraction("3.3"), 36, "Per 1000 inwoners zijn er 3,3 meldingen per maand "
                                         "geweest, [...] Daar komen de meldingen van eindeleveringssignalen nog "
                                         "bovenop.", "meldingen zonder eindeleveringssignaal"),
    "type_aandeel:enkelvoudig:nee": National(_pct("50"), 225, "Voor de helft van de meldingen geldt dat ze "
                                             "enkelvoudig niet-opeenvolgend zijn."),
    "meervoudig_aandeel": National(_pct("8.5"), 226, "Twee of meer signalen op hetzelfde adres in dezelfde maand "
                                   "komen relatief weinig voor; dit geldt voor 8,5% van alle meldingen."),
    "opeenvolgend_aandeel": National(_pct("46"), 37, "voor 46% van de meldingen geldt dat er in de afgelopen zes "
                                     "maanden al een melding is geweest op hetzelfde adres."),
    "melding_bedrag_aandeel:250-500": National(_pct("34"), 233, "bij 34% bedraagt deze 250 tot 500 euro"),
    "melding_bedrag_aandeel:500-1000": National(_pct("23"), 233, "en bij 23% 500 tot 1.000 euro."),
    # contact attempts: the report's table, "% succesvolle contactpogingen (o.b.v. alle contactpogingen)"
    "poging_bereikt_aandeel:huisbezoek": National(_pct("31"), 276, "Huisbezoek (n=38.425) | 98% | 31% | 31% |",
                                                  "van alle contactpogingen"),
    "poging_bereikt_aandeel:telefoon": National(_pct("46"), 277, "Telefoon (n=121.003) | 98% | 47% | 46% |",
                                                "van alle contactpogingen (47% van die met een geregistreerde "
                                                "uitkomst)"),
    "poging_bereikt_aandeel:sms": National(_pct("6"), 278, "Sms/WhatsApp (n=18.324) | 29% | 21% | 6% |",
                                           "van alle contactpogingen"),
    "poging_bereikt_aandeel:email": National(_pct("9"), 279, "E-mail (n=127.994) | 53% | 16% | 9% |",
                                             "van alle contactpogingen"),
    "poging_bereikt_aandeel:brief": National(_pct("2"), 280, "Brief/kaart (n=94.221) | 41% | 5% | 2% |",
                                             "van alle contactpogingen"),
    "poging_bereikt_aandeel:anders": National(_pct("9"), 281, "Anders (n=26.502) | 44% | 19% | 9% |",
                                              "van alle contactpogingen"),
    "poging_bereikt_aandeel:totaal": National(_pct("20"), 282, "Totaal (n=426.469) | 51% | 24% | 20% |",
                                              "van alle contactpogingen"),
    # reach and help
    "bereik_aandeel": National(_pct("21"), 331, "uitsluitend kijken naar de meldingen met minimaal één "
                               "contactpoging, dan ligt het bereik op 21%. Met circa één op de vijf inwoners wordt "
                               "dus daadwerkelijk succesvol contact gelegd"),
    "acceptatie_aandeel": National(_pct("35"), 51, "35% van het bereik resulteert in acceptatie van "
                                   "hulpaanbod", "meldingen met uitsluitend vroegsignalen; met de "
                                   "eindeleveringssignalen erbij 37% (regel 53)"),
    "hulp_aandeel:hulp_quick_fix": National(_pct("80"), 54, "In bijna 8 op de 10 gevallen gaat dit om een quick "
                                            "fix", "'bijna 8 op de 10'"),
}
