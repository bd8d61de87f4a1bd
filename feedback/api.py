"""The creditor API's feedback side (Signaalpartner-API v1): the feed and aggregated efforts.

Thin views over ``feedback.selectors`` (scoped to the calling creditor) and ``feedback_publish``.
Response shapes are pydantic models, documented in the OpenAPI document.
"""
import datetime as dt
import re
from typing import Literal

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from pydantic import BaseModel, Field
from rest_framework.response import Response
from rest_framework.views import APIView

from signals.api.representations import Problem
from signals.schemas import FieldError
from vroegsignalering.common.params import parse_id
from vroegsignalering.common.problems import InvalidParams
from vroegsignalering.common.vocab import ContactKind

from . import selectors, services
from .models import FeedbackCode
from .representations import feed_item

PROBLEM = "application/problem+json"
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
# ASCII digits only (\d also matches e.g. Arabic-Indic digits), the whole value (`$` also matches before a final
# newline): checked with fullmatch.
_MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
CODE_SCHEMA = {"type": "string", "pattern": r"^[0-9]{4}$"}
MONTH_SCHEMA = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}
LIMIT_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}


class Terugkoppeling(BaseModel):
    id: str = Field(description="Unieke id van deze terugkoppeling.")
    signaalId: str
    gemeentecode: str
    code: Literal[tuple(FeedbackCode.values)]  # type: ignore[valid-type]
    omschrijving: str
    datum: dt.date
    incassorustTot: dt.date | None = Field(None, description="Alleen bij `hulp_geaccepteerd`: datum + 30 dagen.")


class TerugkoppelingenPagina(BaseModel):
    terugkoppelingen: list[Terugkoppeling]
    volgende: str | None = Field(description=(
        "Cursor na de laatste terugkoppeling op deze pagina: geef hem als `vanaf` voor de volgende pagina, ook "
        "later (bewaar hem om verder te lezen). null als deze pagina leeg is: er is nu niets nieuws; lees later "
        "verder met dezelfde `vanaf`."))


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


def _problems(*codes: int) -> dict:
    descriptions = {
        400: "Ongeldige parameters; `invalidParams` noemt elke ongeldige parameter.",
        401: "Geen of een ongeldige API-sleutel.",
        429: "Te veel verzoeken; zie `Retry-After`.",
    }
    return {(code, PROBLEM): OpenApiResponse(Problem, description=descriptions[code]) for code in codes}


def _unknown(request, allowed: set[str]) -> list[FieldError]:
    return [FieldError(name, "unknown_parameter", "Onbekende parameter.") for name in request.query_params
            if name not in allowed]


def _single(request, name: str, errors: list[FieldError]) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        errors.append(FieldError(name, "invalid", "Geef deze parameter hoogstens één keer."))
        return None
    return values[0] if values else None


def _municipality_code(value: str | None, errors: list[FieldError], *, required: bool) -> str | None:
    if value is None:
        if required:
            errors.append(FieldError("gemeentecode", "required", "Deze parameter is verplicht."))
        return None
    if not _MUNICIPALITY_CODE.fullmatch(value):
        errors.append(FieldError("gemeentecode", "invalid", "Geef een CBS-gemeentecode van 4 cijfers, bv. 0363."))
        return None
    return value


class TerugkoppelingenView(APIView):
    @extend_schema(
        operation_id="terugkoppelingenOpvragen",
        summary="De terugkoppelingen over de eigen signalen, in volgorde van uitgifte",
        description=(
            "Geordend, volledig en stabiel: wie vanaf het begin leest, met elke paginagrootte, krijgt elke "
            "terugkoppeling precies één keer, in de volgorde van uitgifte. Een latere terugkoppeling over "
            "hetzelfde signaal vervangt een eerdere."
        ),
        parameters=[
            OpenApiParameter("vanaf", str, description="Cursor uit `volgende` van een vorige pagina; "
                                                      "zonder: vanaf het begin."),
            OpenApiParameter("limiet", LIMIT_SCHEMA, description="Aantal per pagina, 1 tot 500 (standaard 100)."),
            OpenApiParameter("gemeentecode", CODE_SCHEMA, description="Alleen terugkoppelingen voor deze gemeente."),
        ],
        responses={200: TerugkoppelingenPagina, **_problems(400, 401, 429)},
        tags=["terugkoppelingen"],
    )
    def get(self, request):
        errors = _unknown(request, {"vanaf", "limiet", "gemeentecode"})
        after = 0
        raw = _single(request, "vanaf", errors)
        if raw is not None:
            after = selectors.cursor_decode(raw)
            if after is None:
                errors.append(FieldError("vanaf", "invalid", "Geen geldige cursor; gebruik `volgende` van een "
                                                             "vorige pagina."))
        limit = DEFAULT_LIMIT
        raw = _single(request, "limiet", errors)
        if raw is not None:
            number = parse_id(raw)
            if number is None or not 1 <= number <= MAX_LIMIT:
                errors.append(FieldError("limiet", "invalid", f"Geef een geheel getal van 1 tot {MAX_LIMIT}."))
            else:
                limit = number
        code = _municipality_code(_single(request, "gemeentecode", errors), errors, required=False)
        if errors:
            raise InvalidParams(errors)
        services.feedback_publish()
        page = selectors.feedback_page_for_creditor(creditor=request.user.creditor, after=after, limit=limit,
                                                    municipality_code=code)
        return Response({"terugkoppelingen": [feed_item(e) for e in page.events], "volgende": page.next_cursor})


class InspanningenView(APIView):
    @extend_schema(
        operation_id="inspanningenOpvragen",
        summary="Geaggregeerde inspanningen voor de eigen signalen in een gemeente en maand",
        description="Elk aantal onder 10 wordt getoond als `null` met `onderdrukt: true`.",
        parameters=[
            OpenApiParameter("gemeentecode", CODE_SCHEMA, required=True, description="CBS-gemeentecode, bv. 0363."),
            OpenApiParameter("maand", MONTH_SCHEMA, required=True, description="De maand van ontvangst, JJJJ-MM."),
        ],
        responses={200: Inspanningen, **_problems(400, 401, 429)},
        tags=["inspanningen"],
    )
    def get(self, request):
        errors = _unknown(request, {"gemeentecode", "maand"})
        code = _municipality_code(_single(request, "gemeentecode", errors), errors, required=True)
        raw = _single(request, "maand", errors)
        month = None
        if raw is None:
            errors.append(FieldError("maand", "required", "Deze parameter is verplicht."))
        else:
            match = _MONTH.fullmatch(raw)
            if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
                month = dt.date(int(match[1]), int(match[2]), 1)
            else:
                errors.append(FieldError("maand", "invalid", "Geef een maand als JJJJ-MM, bv. 2026-11."))
        if errors:
            raise InvalidParams(errors)
        return Response(selectors.efforts_for_creditor(creditor=request.user.creditor, municipality_code=code,
                                                       month=month))
