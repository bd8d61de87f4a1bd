"""The municipal API's request bodies (pydantic, documented in the OpenAPI document): strict, with text
that can be stored (NFC, no control characters or lone surrogates)."""
from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from pydantic_core import PydanticCustomError

from vroegsignalering.common.vocab import LEGACY_OUTCOMES, RECORDABLE_CONTACT_KINDS, Outcome, outcome_from_stored

from .representations import FirstReactionValue, ReachedValue

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}  # a note may have lines and tabs


def _storable_text(value: str) -> str:
    """NFC-normalised text without NUL, other control characters or lone surrogates (neither is text, and
    PostgreSQL refuses NUL and lone surrogates: a refusal here, not a 500 there)."""
    for char in value:
        kind = unicodedata.category(char)
        if kind == "Cs":
            raise PydanticCustomError("invalid", "De tekst bevat een ongeldig teken (een losse surrogaat).")
        if kind == "Cc" and char not in _ALLOWED_CONTROLS:
            raise PydanticCustomError("invalid", f"De tekst bevat een ongeldig teken (stuurteken U+{ord(char):04X}).")
    return unicodedata.normalize("NFC", value)


# A new attempt: every DDAS contact kind except "Onbekend" (whoever registers an attempt knows how it was made).
RecordableContactKind = Literal[tuple(str(kind) for kind in RECORDABLE_CONTACT_KINDS)]  # type: ignore[valid-type]
# The DDAS v1.2 end results, and for one release the two v0.9 strings they replaced (stored as the v1.2 value).
OutcomeInput = Annotated[
    Literal[(*Outcome.values, *LEGACY_OUTCOMES)],  # type: ignore[valid-type]
    AfterValidator(lambda value: str(outcome_from_stored(value))),
]
OUTCOME_DESCRIPTION = (
    "Een eindresultaat uit de DDAS-lijst (v1.2). Verouderd, nog één release aanvaard: de v0.9-waarden "
    + " en ".join(f"'{old}' (wordt '{new.value}')" for old, new in LEGACY_OUTCOMES.items())
    + "; de melding krijgt de v1.2-waarde."
)

Note = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_storable_text)]
ShortText = Annotated[str, StringConstraints(max_length=500), AfterValidator(_storable_text)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class ContactpogingNieuw(_Request):
    soortContact: RecordableContactKind = Field(description="De soort contact (DDAS v1.2 EnumContactsoort), "
                                                             "zonder 'Onbekend'.")
    tijdstip: AwareDatetime = Field(description="Wanneer de poging is gedaan, met tijdzone, bv. "
                                                "2026-06-02T19:15:00+02:00. Niet in de toekomst.")
    bereikt: ReachedValue = Field("onbekend", description="Is de inwoner bereikt (`ja`, `nee`, `onbekend`)?")
    notitie: Note = ""
    # kcc (issue 13): the result of a call from an external call centre's list (GET /bellijst).
    herkomst: Literal["medewerker", "extern_kcc"] = Field(
        "medewerker", description="`extern_kcc`: het resultaat van een gesprek van een extern klantcontactcentrum "
                                  "(de bellijst); alleen voor een serviceaccount.")


class ReactieNieuw(_Request):
    tijdstip: AwareDatetime = Field(description="Wanneer de reactie binnenkwam, met tijdzone.")
    notitie: Note = ""


class AfsluitingNieuw(_Request):
    eindresultaat: OutcomeInput = Field(description=OUTCOME_DESCRIPTION)
    eersteReactie: FirstReactionValue | None = None
    welkeHulp: Annotated[str, StringConstraints(max_length=300), AfterValidator(_storable_text)] = Field(
        "", description="Alleen bij aanvaarde hulp: wat er is afgesproken.")
    redenGeenHulp: ShortText = Field("", description="Alleen als de inwoner geen hulp wil.")
    toestemmingGeenHulpGewenst: StrictBool = Field(  # JSON true/false only, not 0, 1 or "yes"
        False, description="De inwoner gaf toestemming om de vastelastenpartner 'geen hulp gewenst' te melden; "
                           f"alleen bij '{Outcome.GEEN_HULP_GEWENST.value}'.")
    toelichting: ShortText = Field("", description="Komt in de geschiedenis van de melding.")


class HeropeningNieuw(_Request):
    reden: Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_storable_text)] = Field(
        description="Waarom de melding wordt heropend (late hulpacceptatie).")


Username = Annotated[str, StringConstraints(min_length=1, max_length=150), AfterValidator(_storable_text)]


class ToewijzingNieuw(_Request):
    gebruikersnaam: Username | None = Field(
        description="De medewerker (vroegsignaleerder of teamleider van de gemeente van de melding); null heft "
                    "de toewijzing op.")
