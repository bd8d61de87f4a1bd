"""The two DDAS v1.2 vocabularies the project does not store: EnumSignaalstatus (derived from a signal's
workflow status and end result, a pure function) and EnumSignaalpartner (the project's creditor kinds
mapped at export). See docs/design/ddas-v1.2-mapping.md §2."""
from __future__ import annotations

from signals.models import SignalStatus
from vroegsignalering.common.vocab import CreditorKind, Outcome

# EnumSignaalstatus, exactly as in the schema.
NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
OPGEPAKT = "Opgepakt"
SIGNAL_STATUSES = (
    Outcome.BEKEND_BIJ_SHV.value, Outcome.OVERLEDEN.value, Outcome.ANDERE_REDEN.value,
    Outcome.HERHAALDE_MELDING.value, Outcome.ONTERECHT_SIGNAAL.value, NOG_NIET_OPGEPAKT, OPGEPAKT,
    Outcome.GEEN_INWONER.value,
)
# The end results that are also a signal status (the schema spells them the same).
_ENDED = frozenset({Outcome.HERHAALDE_MELDING, Outcome.ONTERECHT_SIGNAAL, Outcome.ANDERE_REDEN, Outcome.OVERLEDEN,
                    Outcome.GEEN_INWONER, Outcome.BEKEND_BIJ_SHV})
_NOT_YET = frozenset({SignalStatus.ONTVANGEN, SignalStatus.IN_CONTROLE, SignalStatus.WACHT_OP_BRP,
                      SignalStatus.UITVAL, SignalStatus.GECONTROLEERD})


def signal_status(status: str, outcome: str = "", *, case_outcome: str = "", closed_at_routing: bool = False) -> str:
    """The DDAS v1.2 status of a signal.

    - still in the checks (received, checking, waiting for the BRP, fallout, checked): *Nog niet opgepakt*;
    - its case was closed at routing as known to debt assistance, or the signal ended so: *Inwoner al bekend
      bij schuldhulpverlening*;
    - in a case: *Opgepakt*;
    - ended without a case (rules, fallout, BRP) or forwarded: its end result (*Niet opgepakt: …*, *Inwoner is
      overleden*, *Persoon is geen inwoner (meer) in de gemeente*); forwarded without one: geen inwoner;
      ended without a recognised end result: *Niet opgepakt: andere reden*.
    """
    if status in _NOT_YET:
        return NOG_NIET_OPGEPAKT
    if outcome == Outcome.BEKEND_BIJ_SHV or (closed_at_routing and case_outcome == Outcome.BEKEND_BIJ_SHV):
        return Outcome.BEKEND_BIJ_SHV.value
    if status == SignalStatus.IN_MELDING:
        return OPGEPAKT
    if outcome in _ENDED:
        return str(outcome)
    if status == SignalStatus.DOORGESTUURD:
        return Outcome.GEEN_INWONER.value
    return Outcome.ANDERE_REDEN.value


# EnumSignaalpartner. "CAK Zorgverzekeringen" has no kind of its own: a CAK premium signal arrives as
# zorgverzekering and is reported as "Zorg" (mapping note §5).
SIGNAL_PARTNERS: dict[str, str] = {
    CreditorKind.BELASTINGDIENST: "Belastingdienst",
    CreditorKind.CAK_EIGEN_BIJDRAGE: "CAK Eigen bijdrage",
    CreditorKind.TOESLAGEN: "Dienst Toeslagen",
    CreditorKind.DUO: "DUO",
    CreditorKind.ELEKTRICITEIT: "Energie",
    CreditorKind.GAS: "Energie",
    CreditorKind.WARMTE: "Energie",
    CreditorKind.HUUR: "Huur",
    CreditorKind.HYPOTHEEK: "Hypotheek",
    CreditorKind.OVERIG: "Overige",
    CreditorKind.DRINKWATER: "Water",
    CreditorKind.ZORGVERZEKERING: "Zorg",
}


def signal_partner(creditor_kind: str) -> str:
    """The DDAS v1.2 EnumSignaalpartner of a creditor kind (an unknown kind: *Overige*)."""
    return SIGNAL_PARTNERS.get(creditor_kind, "Overige")
