"""Every reason a case or contact action is refused, as one code list (saleor's ``error_codes``).

These codes are public: the municipal API returns them as the ``code`` of a 409 (or 400) problem,
and they never change. A service raises ``CaseActionError(message, code=CaseRefusal.X, fields=…)``.
"""
from django.db import models


class CaseRefusal(models.TextChoices):
    # input
    VELDEN = "velden", "Een of meer velden zijn ongeldig"
    EINDRESULTAAT = "eindresultaat", "Onbekend eindresultaat"
    SOORT = "soort", "Onbekende of ongeschikte soort contact"
    BEREIKT = "bereikt", "Onbekende waarde voor bereikt"
    TIJDSTIP = "tijdstip", "Tijdstip zonder tijdzone"
    TIJDSTIP_TOEKOMST = "tijdstip_toekomst", "Tijdstip in de toekomst"
    TIJDSTIP_VOOR = "tijdstip_voor", "Tijdstip vóór het begin"
    REDEN = "reden", "Reden ontbreekt"
    # the case's state and window
    GESLOTEN = "gesloten", "De melding is gesloten"
    TERMIJN_VERSTREKEN = "termijn_verstreken", "De termijn van 28 dagen is verstreken"
    NA_TERMIJN = "na_termijn", "De datum ligt na de termijn"
    NIET_GESLOTEN = "niet_gesloten", "De melding is niet gesloten"
    NIET_BEREIKT = "niet_bereikt", "De inwoner is niet bereikt"
    GEWIJZIGD = "gewijzigd", "Intussen door een ander gewijzigd"
    # contacts, follow-ups and visits
    AL_REACTIE = "al_reactie", "Er is al een reactie geregistreerd"
    AL_VASTGELEGD = "al_vastgelegd", "Al vastgelegd"
    TE_VROEG = "te_vroeg", "Te vroeg"
    AL_GEANNULEERD = "al_geannuleerd", "Al geannuleerd"
    AFGELEGD = "afgelegd", "Al afgelegd"
    DUBBEL = "dubbel", "Al gepland op dat dagdeel"
    GEMEENTE = "gemeente", "Werkt niet voor deze gemeente"
    CONTACTGEGEVEN = "contactgegeven", "Dit contactgegeven staat niet bij de melding"
    # assignment
    GEEN_MELDING = "geen_melding", "Geen melding gekozen"
    ONBEKEND = "onbekend", "Onbekende melding"
    ROL = "rol", "Geen medewerker met deze rol"
    TOEWIJZEN = "toewijzen", "Niets toegewezen"
    ALLEEN_TEAMLEIDER = "alleen_teamleider", "Alleen een teamleider"
