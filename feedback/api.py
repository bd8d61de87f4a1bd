"""The creditor API's feedback side (Signaalpartner-API v1): the feed of feedback.

Thin views over ``feedback.selectors`` (scoped to the calling creditor) and ``feedback_publish``.
Response shapes are pydantic models, documented in the OpenAPI document.
"""
import datetime as dt
from typing import Literal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from pydantic import BaseModel, Field
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import Action, record
from audit.vocab import Purpose
from vroegsignalering.common.api import (
    MUNICIPALITY_CODE_SCHEMA,
    FieldError,
    int_param,
    municipality_code_param,
    problem_responses,
    single_param,
    unknown_params,
)
from vroegsignalering.common.problems import InvalidParams

from . import selectors, services
from .models import FeedbackCode
from .representations import feed_item

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
PROBLEMS = {
    400: "Ongeldige parameters; `invalidParams` noemt elke ongeldige parameter.",
    401: "Geen of een ongeldige API-sleutel.",
    429: "Te veel verzoeken; zie `Retry-After`.",
}
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
            OpenApiParameter("vanaf", {"type": "string", "minLength": 1, "pattern": selectors.CURSOR_PATTERN},
                             description="Cursor uit `volgende` van een vorige pagina; zonder: vanaf het begin."),
            OpenApiParameter("limiet", LIMIT_SCHEMA, description="Aantal per pagina, 1 tot 500 (standaard 100)."),
            OpenApiParameter("gemeentecode", MUNICIPALITY_CODE_SCHEMA,
                             description="Alleen terugkoppelingen voor deze gemeente."),
        ],
        responses={200: TerugkoppelingenPagina, **problem_responses(PROBLEMS, 400, 401, 429)},
        tags=["terugkoppelingen"],
    )
    def get(self, request):
        errors = unknown_params(request, {"vanaf", "limiet", "gemeentecode"})
        after = 0
        raw = single_param(request, "vanaf", errors)
        if raw is not None:
            after = selectors.cursor_decode(raw)
            if after is None:
                errors.append(FieldError("vanaf", "invalid", "Geen geldige cursor; gebruik `volgende` van een "
                                                             "vorige pagina."))
        limit = int_param(single_param(request, "limiet", errors), "limiet", 1, MAX_LIMIT, DEFAULT_LIMIT, errors)
        code = municipality_code_param(single_param(request, "gemeentecode", errors), errors, required=False)
        if errors:
            raise InvalidParams(errors)
        services.feedback_publish()
        page = selectors.feedback_page_for_creditor(creditor=request.user.creditor, after=after, limit=limit,
                                                    municipality_code=code)
        record(request, Action.API_READ, objects=page.events, purpose=Purpose.AANLEVERING)  # one per municipality
        return Response({"terugkoppelingen": [feed_item(e) for e in page.events], "volgende": page.next_cursor})
