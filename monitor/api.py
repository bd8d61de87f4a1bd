"""The creditor API's aggregated efforts (`GET /api/v1/inspanningen`, Signaalpartner-API v1): what the
municipality did with the creditor's signals in one month, as counts (each below 10 suppressed).

A thin view over ``monitor.selectors``; the response shape is a pydantic model, documented in the
OpenAPI document. Authenticated with the creditor's API key, like the rest of the creditor API.
"""
import datetime as dt
import re
from typing import Literal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from pydantic import BaseModel, Field
from rest_framework.response import Response
from rest_framework.views import APIView

from vroegsignalering.common.api import (
    MUNICIPALITY_CODE_SCHEMA,
    FieldError,
    municipality_code_param,
    problem_responses,
    single_param,
    unknown_params,
)
from vroegsignalering.common.problems import InvalidParams
from vroegsignalering.common.vocab import ContactKind

from .selectors import efforts_for_creditor

PROBLEMS = {
    400: "Ongeldige parameters; `invalidParams` noemt elke ongeldige parameter.",
    401: "Geen of een ongeldige API-sleutel.",
    429: "Te veel verzoeken; zie `Retry-After`.",
}
# ASCII digits only, the whole value: checked with fullmatch.
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# A month of the years 2000 to 2999: exactly what the view accepts (year 1 or 9999 overflowed the
# month's bounds in local time: a 500).
MONTH_SCHEMA = {"type": "string", "pattern": r"^2[0-9]{3}-(0[1-9]|1[0-2])$"}


class Telling(BaseModel):
    aantal: int | None = Field(description="Het aantal; null als het onder 10 ligt.")
    onderdrukt: bool = Field(description="true als het aantal onder 10 ligt en daarom niet wordt getoond.")


class TellingPerSoortContact(Telling):
    soortContact: Literal[tuple(ContactKind.values)]  # type: ignore[valid-type]


class Inspanningen(BaseModel):
    gemeentecode: str
    maand: str = Field(description="JJJJ-MM")
    signalenOntvangen: Telling
    signalenOpgepakt: Telling
    meldingenMetContactpoging: Telling
    contactpogingenPerSoort: list[TellingPerSoortContact]
    meldingenMetContact: Telling
    meldingenHulpGeaccepteerd: Telling


class InspanningenView(APIView):
    @extend_schema(
        operation_id="inspanningenOpvragen",
        summary="Geaggregeerde inspanningen voor de eigen signalen in een gemeente en maand",
        description="Elk aantal onder 10 wordt getoond als `null` met `onderdrukt: true`.",
        parameters=[
            OpenApiParameter("gemeentecode", MUNICIPALITY_CODE_SCHEMA, required=True,
                             description="CBS-gemeentecode, bv. 0363."),
            OpenApiParameter("maand", MONTH_SCHEMA, required=True, description="De maand van ontvangst, JJJJ-MM."),
        ],
        responses={200: Inspanningen, **problem_responses(PROBLEMS, 400, 401, 429)},
        tags=["inspanningen"],
    )
    def get(self, request):
        errors = unknown_params(request, {"gemeentecode", "maand"})
        code = municipality_code_param(single_param(request, "gemeentecode", errors), errors, required=True)
        raw = single_param(request, "maand", errors)
        month = None
        if raw is None:
            errors.append(FieldError("maand", "required", "Deze parameter is verplicht."))
        else:
            match = _MONTH.fullmatch(raw)
            if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2999:
                month = dt.date(int(match[1]), int(match[2]), 1)
            else:
                errors.append(FieldError("maand", "invalid", "Geef een maand als JJJJ-MM, bv. 2026-11."))
        if errors:
            raise InvalidParams(errors)
        return Response(efforts_for_creditor(creditor=request.user.creditor, municipality_code=code,
                                                       month=month))

