"""What an audit event can say: the action and the kind of principal that acted."""
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Bekeken"
    LIST = "list", "Lijst bekeken"
    SEARCH = "search", "Gezocht"
    EXPORT = "export", "Geëxporteerd"
    PRINT = "print", "Afgedrukt"
    CREATE = "create", "Vastgelegd"
    CHANGE = "change", "Gewijzigd"
    API_READ = "api_read", "Gelezen via API"
    API_WRITE = "api_write", "Geschreven via API"
    ADMIN_VIEW = "admin_view", "Bekeken in beheer"
    ADMIN_CHANGE = "admin_change", "Gewijzigd in beheer"
    DESTROY = "vernietigd", "Vernietigd (bewaartermijn verstreken)"


WRITE_ACTIONS = frozenset({Action.CREATE, Action.CHANGE, Action.API_WRITE, Action.ADMIN_CHANGE})


class Principal(models.TextChoices):
    USER = "gebruiker", "Gebruiker (scherm)"
    TOKEN = "token", "Gebruiker of serviceaccount (API-token)"
    CREDITOR_KEY = "sleutel", "API-sleutel van een vastelastenpartner"
    SYSTEM = "systeem", "Systeem (geplande taak)"


class Purpose(models.TextChoices):
    """Why the data was processed (the screen's or API's task)."""

    BEHANDELING = "behandeling", "Behandeling van een melding"
    TEAMLEIDING = "teamleiding", "Teamleiding (toewijzen, huisbezoeken)"
    UITVALBEOORDELING = "uitvalbeoordeling", "Beoordeling van uitval"
    AANLEVERING = "aanlevering", "Aanlevering van signalen"
    BEHEER = "beheer", "Functioneel beheer"
    CONTROLE = "controle", "Controle (audit)"
    # The call centre (issue 13): the KCC's search and inbound calls, the external call list and its results.
    KLANTCONTACT = "klantcontact", "Klantcontact (klantcontactcentrum, bellijst)"
