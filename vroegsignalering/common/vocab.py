"""Shared vocabularies (one source of truth each). Values are the public API's Dutch terms."""
from django.db import models


class CreditorKind(models.TextChoices):
    """Kind of fixed cost (soortVasteLast); the first six are the legal signal kinds."""

    HUUR = "huur", "Huur"
    HYPOTHEEK = "hypotheek", "Hypotheek"
    ZORGVERZEKERING = "zorgverzekering", "Zorgverzekering"
    DRINKWATER = "drinkwater", "Drinkwater"
    ELEKTRICITEIT = "elektriciteit", "Elektriciteit"
    GAS = "gas", "Gas"
    WARMTE = "warmte", "Warmte"
    DUO = "duo", "DUO"
    BELASTINGDIENST = "belastingdienst", "Belastingdienst"
    TOESLAGEN = "toeslagen", "Toeslagen"
    CAK_EIGEN_BIJDRAGE = "cak_eigen_bijdrage", "CAK eigen bijdrage"
    OVERIG = "overig", "Overig"


ENERGY_KINDS = frozenset({CreditorKind.ELEKTRICITEIT, CreditorKind.GAS, CreditorKind.WARMTE})


class SignalKind(models.TextChoices):
    """Kind of signal (soortSignaal); all but vroegsignaal are crisis signals."""

    VROEGSIGNAAL = "vroegsignaal", "Vroegsignaal"
    EINDELEVERING = "eindelevering", "Eindeleveringssignaal"
    AFSLUITING = "afsluiting", "Afsluitsignaal"
    ONTRUIMING = "ontruiming", "Ontruimingssignaal"


CRISIS_SIGNAL_KINDS = frozenset(
    {SignalKind.EINDELEVERING, SignalKind.AFSLUITING, SignalKind.ONTRUIMING}
)

# Arrear-age windows of the Landelijk Convenant, in days since the oldest unpaid invoice's due
# date: (minimum, maximum or None). Since December 2022 energy and water may also signal after
# 100 days. A municipality may agree other windows (Municipality.arrear_age_windows).
DEFAULT_ARREAR_AGE_WINDOWS: dict[str, list[int | None]] = {
    CreditorKind.HUUR: [30, None],
    CreditorKind.ZORGVERZEKERING: [30, 100],
    CreditorKind.DRINKWATER: [30, None],
    CreditorKind.ELEKTRICITEIT: [30, None],
    CreditorKind.GAS: [30, None],
    CreditorKind.WARMTE: [30, None],
}
