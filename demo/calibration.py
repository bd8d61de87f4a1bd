"""The demo month's calibration: volumes, shares, amounts and the recidive tiers.

Calibration, from the Divosa Monitor Vroegsignalering Schulden, Jaarrapportage 2024
(``shared/seeds/000_…txt``; section numbers of that report):

- volume: 4.8 signals per 1,000 inhabitants per month, eindeleveringssignalen included (§1.2;
  4.4 without them). Volume is proportional to inhabitants.
- creditor kinds: health insurers 41% of signals, the other three branches (rent, drinking water,
  energy) about one in five each (§1.1). Those shares are of *vroegsignalen*; we apply them to all
  signals, eindelevering included, as the issue asks.
- energy: 30% of energy signals are eindeleveringssignalen (§1.2); a few other crisis signals
  (water/energy afsluiting, rent ontruiming: "a small part of the late signals are from
  landlords", §4 footnote) are added.
- arrear amounts (§4, per melding followed up): < €100 11%, €250–500 34%, €500–1,000 23%. The
  report gives ≥ €1,000 only split: 13% of single and 41% of multiple meldingen, so
  0.915 × 13% + 0.085 × 41% ≈ 15%; €100–250 is the remainder, 17%. We use these shares per
  signal, with lower amounts for drinking water and higher ones for rent and eindelevering (as the
  report describes) mixed so that the total matches.
- contact data (§5): 77% phone and e-mail, 8% neither, the rest one of the two (per melding in
  the report; here per signal).
- matching (§3.2): 8.5% of addresses with two or more signals in the month; 46% of addresses had a
  signal in the previous six months (recidive). The national split (DOMAIN.md) makes multiple
  meldingen more often recidive: 6.4 / (6.4 + 2.4) = 73% against 43% for single ones.

Recidive is modelled with risk tiers (:data:`TIERS`): each household belongs, for a given seed and
volume, to one tier with a fixed monthly probability of being signalled; each month draws its
signalled households per tier independently. With the tier table below the expected share of a
month's addresses with a signal in the previous six months is
Σ share × (1 − (1 − p)⁶) = 0.25 × 0.984 + 0.69 × 0.310 + 0.06 × 0.030 ≈ 46%. At ``scale`` 1 about
a fifth of the households are in a tier; from a scale of about 4 on there are not enough
households, so fewer households are signalled more often and recidive rises above 46%.

Arrear due dates lie inside the convenant windows (``DEFAULT_ARREAR_AGE_WINDOWS``) except for 2%.
"""
from __future__ import annotations

from dataclasses import dataclass

from vroegsignalering.common.vocab import CreditorKind

from .rng import cumulative

SIGNALS_PER_1000_INHABITANTS_PER_MONTH = 4.8  # Divosa 2024 §1.2, eindelevering included

# Creditor branches ("groups"): one demo creditor each. Shares of all signals (§1.1).
ZORG, HUUR, WATER, ENERGIE = "zorgverzekering", "huur", "drinkwater", "energie"
GROUP_SHARES = {ZORG: 0.41, HUUR: 0.20, WATER: 0.19, ENERGIE: 0.20}
# Energy kinds within the energy branch (assumption: no national split is published).
ENERGY_KIND_SHARES = {CreditorKind.ELEKTRICITEIT.value: 0.55, CreditorKind.GAS.value: 0.40,
                      CreditorKind.WARMTE.value: 0.05}
EINDELEVERING_SHARE_OF_ENERGY = 0.30  # §1.2; only electricity and gas contracts are ended
EINDELEVERING_SHARE_ELECTRICITY_GAS = EINDELEVERING_SHARE_OF_ENERGY / 0.95
# Other crisis signals (assumption, "a few"): share of that branch's signals.
AFSLUITING_SHARE = {WATER: 0.01, ENERGIE: 0.01}
ONTRUIMING_SHARE_OF_RENT = 0.03

# Amount classes in cents: < €100, €100–250, €250–500, €500–1,000, ≥ €1,000.
AMOUNT_CLASSES = ((500, 9_999), (10_000, 24_999), (25_000, 49_999), (50_000, 99_999), (100_000, None))
AMOUNT_CLASS_TARGET = (0.11, 0.17, 0.34, 0.23, 0.15)  # see the module docstring
# Per branch; the health-insurance row is the remainder that makes the mix match the target.
_AMOUNT_WEIGHTS = {
    ZORG: (0.076, 0.150, 0.425, 0.218, 0.131),
    HUUR: (0.02, 0.08, 0.30, 0.35, 0.25),
    WATER: (0.35, 0.35, 0.22, 0.07, 0.01),
    ENERGIE: (0.05, 0.15, 0.35, 0.28, 0.17),
    "crisis": (0.02, 0.08, 0.25, 0.30, 0.35),  # energy crisis signals: 35% ≥ €1,000 (§4)
}
AMOUNT_CUMULATIVE = {key: cumulative(weights) for key, weights in _AMOUNT_WEIGHTS.items()}

# Contact data per signal (§5): both, phone only, e-mail only, neither.
CONTACT_SHARES = {"both": 0.77, "phone": 0.09, "email": 0.06, "none": 0.08}

# Noise, each a share of signals (assumptions; the Signaalreis (004) and the Leidraad describe
# these kinds of fallout but give no rates).
NOT_IN_POPULATION_SHARE = 0.03  # customer is not a person of the population ("niet gevonden")
TRADE_NAME_SHARE = 0.02  # of rent, water and energy signals: contract in a trade name
OUTSIDE_WINDOW_SHARE = 0.02  # arrear age outside the convenant window
PLACEHOLDER_BIRTH_DATE = "2000-01-01"


@dataclass(frozen=True, slots=True)
class Tier:
    """A risk tier: its monthly probability of a signal, its share of a month's signalled
    addresses and the share of those with two or more signals in the month."""

    name: str
    monthly_probability: float
    address_share: float
    multiple_share: float


# Chronic late payers ("slepers") are signalled about every other month; vulnerable households a
# few times a year; the rest once in a long while. Multiple signals are more frequent among the
# chronic ones, so that 8.5% of addresses have 2+ signals, 73% of those recidive (see docstring).
TIERS = (
    Tier("chronisch", 0.50, 0.25, 0.215),
    Tier("kwetsbaar", 0.06, 0.69, 0.042),
    Tier("incidenteel", 0.005, 0.06, 0.042),
)
THREE_SIGNALS_SHARE = 0.15  # of addresses with multiple signals, three instead of two
MEAN_SIGNALS_PER_ADDRESS = 1 + sum(t.address_share * t.multiple_share for t in TIERS) * (1 + THREE_SIGNALS_SHARE)
