"""The call list through the municipal API (``GET /api/v1/gemeente/bellijst?datum=``): the open phone tasks
of plan steps marked external, for a call centre's system (a service account) or a worker or team lead. The
results go back through the existing ``POST …/meldingen/{meldingId}/contactpogingen`` with
``herkomst: extern_kcc``. Never a creditor or an amount."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from pydantic import BaseModel, Field
from rest_framework.response import Response

from accounts.permissions import uses_municipal_api
from audit.recording import Action, audited, record
from audit.vocab import Purpose
from cases.api.base import TAG, MunicipalApiView, problems
from cases.models import Case
from contacts.models import Dagdeel
from vroegsignalering.common.api import FieldError, query_params
from vroegsignalering.common.dates import local_date
from vroegsignalering.common.problems import InvalidParams

from .selectors import call_list

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Belverzoek(BaseModel):
    meldingId: int = Field(description="Voor het resultaat: `POST /meldingen/{meldingId}/contactpogingen`.")
    kenmerk: str = Field(description="Het kenmerk van de melding dat de inwoner in elk bericht ziet, bv. VS-7K3M2QX.")
    naam: str = Field(description="De naam van de inwoner zoals de signalen die geven.")
    telefoonnummers: list[str] = Field(description="De bruikbare telefoonnummers (E.164).")
    voorkeurDagdeel: Literal[tuple(Dagdeel.values)] | None = Field(  # type: ignore[valid-type]
       description="Het dagdeel waarop de inwoner liefst gebeld wordt.")
    uiterlijkOp: dt.date = Field(description="Uiterlijk op deze dag bellen.")


class Bellijst(BaseModel):
    datum: dt.date = Field(description="De bellijst tot en met deze dag.")
    aantal: int
    bellijst: list[Belverzoek]


@audited(Purpose.KLANTCONTACT, object_type="case", read=Action.API_READ)
class BellijstView(MunicipalApiView):
    @extend_schema(
        operation_id="bellijstOpvragen",
        summary="De bellijst voor een extern klantcontactcentrum",
        description=(
            "De open beltaken van de eigen gemeente(n) uit stappen van een benaderingsplan die een extern "
            "klantcontactcentrum uitvoert, met een termijn tot en met `datum`: kenmerk, naam, telefoonnummers, "
            "voorkeur dagdeel en termijn; nooit een schuldeiser of bedrag. Lever het resultaat van elk gesprek aan "
            "als contactpoging (`soortContact` Telefoon, `herkomst` extern_kcc). Toegang: serviceaccounts (het "
            "systeem van een klantcontactcentrum), vroegsignaleerders en teamleiders, elk alleen voor de eigen "
            "gemeente(n)."
        ),
        parameters=[OpenApiParameter("datum", {"type": "string", "format": "date"},
                                     description="Tot en met deze dag, JJJJ-MM-DD (standaard: vandaag).")],
        responses={200: Bellijst, **problems(400, 401, 403, 429)},
        tags=[TAG],
    )
    def get(self, request):
        errors: list[FieldError] = []
        params = query_params(request, {"datum"}, errors)
        day = local_date(timezone.now())
        if "datum" in params:
            value = params["datum"]
            try:
                day = dt.date.fromisoformat(value) if _DATE.match(value) else None
            except ValueError:
                day = None
            if day is None or day.year < 1900:
                errors.append(FieldError("datum", "invalid", "Geef een datum als JJJJ-MM-DD, bv. 2026-06-02."))
        if errors:
            raise InvalidParams(errors)
        rows = call_list(request.user, on=day, roles=uses_municipal_api)
        record(request, Action.API_READ, objects=[Case(pk=row.case_id, municipality_id=row.municipality_id)
                                                  for row in rows],
               object_type="case", persons=[bsn for row in rows for bsn in row.persons], count=len(rows),
               purpose=Purpose.KLANTCONTACT,
               municipality_id=None if rows else request.user.municipalities.values_list("pk", flat=True).first())
        return Response({"datum": day.isoformat(), "aantal": len(rows), "bellijst": [
            {"meldingId": row.case_id, "kenmerk": row.kenmerk, "naam": row.name, "telefoonnummers": row.phones,
             "voorkeurDagdeel": row.dagdeel or None, "uiterlijkOp": row.due_date.isoformat()} for row in rows]})
