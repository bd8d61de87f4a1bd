"""The municipal API's cases (/api/v1/gemeente/meldingen…): the list, one case, and the actions on a case
(closing, reopening, assigning). Thin views over ``cases.selectors`` (tenant and role scoping) and
``cases.services``."""
from __future__ import annotations

import datetime as dt
import math
import re

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from accounts import permissions
from audit.recording import Action, record
from cases import deadlines, selectors, services
from cases.exceptions import CaseActionError
from cases.models import ACTIVE_STATUSES, CaseStatus
from cases.refusals import CaseRefusal
from vroegsignalering.common.api import FieldError, body_parse, int_param, query_params
from vroegsignalering.common.problems import Conflict, InvalidParams

from .base import MELDING_ID, ROLES_TEXT, TAG, MunicipalApiView, act, problems, refused
from .representations import Melding, MeldingenPagina, case_summary
from .requests import AfsluitingNieuw, HeropeningNieuw, ToewijzingNieuw

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_PAGE = 1_000_000
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits only (\d also matches e.g. Arabic-Indic ones)
_CODE = re.compile(r"^[0-9]{4}$")
_TRAY_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


class MeldingenView(MunicipalApiView):
    ALLOWED = {"pagina", "limiet", "status", "bakje", "gemeentecode", "toegewezenAan", "crisis", "termijnVoor"}

    @extend_schema(
        operation_id="meldingenOpvragen",
        summary="De meldingen van de eigen gemeente(n), meest urgent eerst",
        description=(
            "In de volgorde van de werkvoorraad: urgentie (crisis eerst), prioriteit, dan de vroegste termijn. "
            "Gepagineerd met `pagina` en `limiet`; `volgende` en `vorige` geven de andere pagina's. "
            f"{ROLES_TEXT}"
        ),
        parameters=[
            OpenApiParameter("pagina", {"type": "integer", "minimum": 1, "default": 1}, description="Paginanummer."),
            OpenApiParameter("limiet", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                        "default": DEFAULT_LIMIT},
                             description=f"Aantal per pagina, 1 tot {MAX_LIMIT} (standaard {DEFAULT_LIMIT})."),
            OpenApiParameter("status", str, description=(
                "Eén of meer statussen, gescheiden door komma's: open, in_behandeling, gesloten, heropend. "
                "Zonder: de actieve meldingen (open, in_behandeling, heropend).")),
            OpenApiParameter("bakje", {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,40}$"},
                             description="De code van een bakje."),
            OpenApiParameter("gemeentecode", {"type": "string", "pattern": r"^\d{4}$"},
                             description="Alleen meldingen van deze gemeente (CBS-code)."),
            OpenApiParameter("toegewezenAan", {"type": "string", "enum": ["ik", "niemand"]},
                             description="`ik`: toegewezen aan de vrager; `niemand`: niet toegewezen."),
            OpenApiParameter("crisis", bool, description="`true`: alleen crisismeldingen; `false`: geen."),
            OpenApiParameter("termijnVoor", {"type": "string", "format": "date"}, description=(
                "Alleen meldingen waarvan de laatste dag van de termijn (28 dagen of, bij een crisismelding, "
                "de eerste-actietermijn) vóór deze datum ligt, JJJJ-MM-DD.")),
        ],
        responses={200: MeldingenPagina, **problems(400, 401, 403, 429)},
        tags=[TAG],
    )
    def get(self, request):
        errors: list[FieldError] = []
        params = query_params(request, self.ALLOWED, errors)
        page = int_param(params.get("pagina"), "pagina", 1, MAX_PAGE, 1, errors)
        limit = int_param(params.get("limiet"), "limiet", 1, MAX_LIMIT, DEFAULT_LIMIT, errors)
        filters = self._filters(params, errors)
        if errors:
            raise InvalidParams(errors)
        qs = selectors.case_list_for_api(request.user, **filters)
        total = qs.count()
        cases = list(qs[(page - 1) * limit:page * limit]) if total > (page - 1) * limit else []
        kinds = selectors.case_creditor_kinds([c.pk for c in cases]) if cases else {}
        record(request, Action.API_READ, objects=cases, count=total)
        pages = math.ceil(total / limit)
        return Response({
            "meldingen": [case_summary(c, kinds[c.pk]) for c in cases],
            "pagina": page,
            "limiet": limit,
            "totaal": total,
            "aantalPaginas": pages,
            "volgende": self._page_link(request, page + 1) if page < pages else None,
            "vorige": self._page_link(request, min(page - 1, max(pages, 1))) if page > 1 else None,
        })

    @staticmethod
    def _filters(params: dict[str, str], errors: list[FieldError]) -> dict:
        filters: dict = {"status": list(ACTIVE_STATUSES)}
        if "status" in params:
            values = [v.strip() for v in params["status"].split(",") if v.strip()]
            if not values or not set(values) <= set(CaseStatus.values):
                errors.append(FieldError("status", "invalid_choice",
                                         f"Kies een of meer uit: {', '.join(CaseStatus.values)} (gescheiden door "
                                         "komma's)."))
            filters["status"] = values
        if "bakje" in params:
            if not _TRAY_CODE.match(params["bakje"]):
                errors.append(FieldError("bakje", "invalid", "Geef de code van een bakje (letters, cijfers, - en _)."))
            filters["tray_code"] = params["bakje"]
        if "gemeentecode" in params:
            if not _CODE.match(params["gemeentecode"]):
                errors.append(FieldError("gemeentecode", "invalid", "Geef een CBS-gemeentecode van 4 cijfers."))
            filters["municipality_code"] = params["gemeentecode"]
        if "toegewezenAan" in params:
            assigned = {"ik": "me", "niemand": "nobody"}.get(params["toegewezenAan"])
            if assigned is None:
                errors.append(FieldError("toegewezenAan", "invalid_choice", "Kies ik of niemand."))
            filters["assigned"] = assigned
        if "crisis" in params:
            crisis = {"true": True, "false": False}.get(params["crisis"])
            if crisis is None:
                errors.append(FieldError("crisis", "invalid", "Geef true of false."))
            filters["crisis"] = crisis
        if "termijnVoor" in params:
            value = params["termijnVoor"]
            day = None
            if _DATE.match(value):
                try:
                    day = dt.date.fromisoformat(value)
                except ValueError:
                    day = None
            if day is None or day.year < 1900:
                errors.append(FieldError("termijnVoor", "invalid", "Geef een datum als JJJJ-MM-DD, bv. 2026-06-20."))
            else:
                filters["deadline_before"] = deadlines.start_of_day(day)
        return filters

    @staticmethod
    def _page_link(request, page: int) -> str:
        query = request.query_params.copy()
        query["pagina"] = str(page)
        return f"{request.path}?{query.urlencode()}"


class MeldingView(MunicipalApiView):
    @extend_schema(
        operation_id="meldingOpvragen",
        summary="Eén melding met signalen, huishouden, routering, contactpogingen en afsluiting",
        description=ROLES_TEXT,
        parameters=[MELDING_ID],
        responses={200: Melding, **problems(400, 401, 403, 404, 429)},
        tags=[TAG],
    )
    def get(self, request, meldingId):  # noqa: N803 - the path parameter's name
        return self.case_response(request, meldingId)


class AfsluitingView(MunicipalApiView):
    @extend_schema(
        operation_id="afsluitingAanmaken",
        summary="De melding sluiten met een eindresultaat",
        description=(
            "Sluit de melding met een eindresultaat uit de DDAS-lijst; de vastelastenpartners krijgen de "
            "terugkoppeling die daarbij hoort. Een eindresultaat waarbij de inwoner is bereikt vraagt eerst een "
            "contactpoging met `bereikt: ja` (anders 409, code `niet_bereikt`). `toestemmingGeenHulpGewenst` "
            "legt de toestemming van de inwoner vast (met datum en door wie). Gesloten of de termijn verstreken: "
            f"409. {ROLES_TEXT}"
        ),
        parameters=[MELDING_ID],
        request=AfsluitingNieuw,
        responses={200: OpenApiResponse(Melding, description="De melding is gesloten."),
                   **problems(400, 401, 403, 404, 409, 413, 429)},
        tags=[TAG],
    )
    def post(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        body = body_parse(request, AfsluitingNieuw)
        act(lambda: services.case_close(
            case=case, outcome=body.eindresultaat, by=request.user, reason=body.toelichting.strip(),
            first_reaction=body.eersteReactie or "", help_description=body.welkeHulp,
            decline_reason=body.redenGeenHulp, consent=body.toestemmingGeenHulpGewenst,
        ))
        return self.case_response(request, case.pk)


class HeropeningView(MunicipalApiView):
    @extend_schema(
        operation_id="heropeningAanmaken",
        summary="Een gesloten melding heropenen (late hulpacceptatie)",
        description=(
            "Binnen de termijn van de gemeente (standaard 3 maanden na de eerste sluiting). Daarna kunnen weer "
            f"contactpogingen en een eindresultaat worden geregistreerd. Niet gesloten of te laat: 409. {ROLES_TEXT}"
        ),
        parameters=[MELDING_ID],
        request=HeropeningNieuw,
        responses={200: OpenApiResponse(Melding, description="De melding is heropend."),
                   **problems(400, 401, 403, 404, 409, 413, 429)},
        tags=[TAG],
    )
    def post(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        body = body_parse(request, HeropeningNieuw)
        act(lambda: services.case_reopen(case=case, reason=body.reden, by=request.user),
             field_codes={CaseRefusal.REDEN: "reden"})
        return self.case_response(request, case.pk)


class ToewijzingView(MunicipalApiView):
    @extend_schema(
        operation_id="toewijzingWijzigen",
        summary="De melding toewijzen aan een medewerker (of de toewijzing opheffen)",
        description=(
            "Alleen een teamleider wijst toe, zoals in de schermen. Een vroegsignaleerder en een serviceaccount "
            "krijgen 403: toewijzen is het verdelen van werk over mensen, een beslissing van de teamleider; een "
            "koppeling van een wijkteam die namens een teamleider toewijst, gebruikt het token van die "
            "teamleider. De medewerker moet een actieve vroegsignaleerder of teamleider van de gemeente van de "
            "melding zijn; een gesloten melding wordt niet toegewezen (409)."
        ),
        parameters=[MELDING_ID],
        request=ToewijzingNieuw,
        responses={200: OpenApiResponse(Melding, description="De toewijzing is gewijzigd."),
                   **problems(400, 401, 403, 404, 409, 413, 429,
                               _403="Alleen een teamleider kan meldingen toewijzen.")},
        tags=[TAG],
    )
    def put(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        if not permissions.is_team_lead(request.user):
            raise exceptions.PermissionDenied("Alleen een teamleider kan meldingen toewijzen.",
                                              code=CaseRefusal.ALLEEN_TEAMLEIDER)
        body = body_parse(request, ToewijzingNieuw)
        worker = None
        if body.gebruikersnaam is not None:
            worker = selectors.assignable_worker(case, body.gebruikersnaam)
            if worker is None:
                raise InvalidParams([FieldError(
                    "gebruikersnaam", "onbekende_medewerker",
                    "Geen actieve vroegsignaleerder of teamleider van de gemeente van deze melding met deze "
                    "gebruikersnaam.")])
        try:  # the team-lead screen's service: a closed case takes no assignment, unchanged adds no history
            services.cases_assign_bulk(cases=[case], worker=worker, by=request.user)
        except CaseActionError as exc:
            if "melding" in exc.fields:
                raise Conflict("Deze melding is gesloten; alleen lopende meldingen kunnen worden toegewezen.",
                               code=CaseRefusal.GESLOTEN) from None
            exc.fields = {"gebruikersnaam" if name == "medewerker" else name: text for name, text in exc.fields.items()}
            raise refused(exc) from None
        return self.case_response(request, case.pk)
