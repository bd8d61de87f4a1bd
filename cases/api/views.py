"""The municipal API (/api/v1/gemeente/…): thin views over the case selectors and the case and contact services.

Every read goes through ``cases.selectors`` (tenant and role scoping); a case of another municipality is a 404,
never a 403, so its existence does not leak. Refusals of the services (``CaseActionError``) become problem+json:
400 with ``invalidParams`` when they are about input fields, 409 when the case's state does not allow the action.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from django_fsm import ConcurrentTransition, TransitionNotAllowed
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from cases import deadlines, selectors, services
from cases.exceptions import CaseActionError
from cases.models import ACTIVE_STATUSES, CaseStatus
from contacts.services import contact_attempt_record_reply, contact_attempt_register
from signals.api.representations import Problem
from signals.schemas import FieldError
from vroegsignalering.common.params import parse_id
from vroegsignalering.common.problems import Conflict, InvalidParams

from .authentication import HasApiRole, TokenRequired, UserTokenAuthentication, UserTokenRateThrottle
from .representations import (
    AfsluitingNieuw,
    Bakjes,
    Contactpoging,
    ContactpogingNieuw,
    HeropeningNieuw,
    Melding,
    MeldingenPagina,
    ReactieNieuw,
    ToewijzingNieuw,
    attempt_representation,
    case_representation,
    case_summary,
    tray_representation,
)

PROBLEM = "application/problem+json"
TAG = "Gemeente"
BASE_PATH = "/api/v1/gemeente"
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_PAGE = 1_000_000
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits only (\d also matches e.g. Arabic-Indic ones)
_CODE = re.compile(r"^[0-9]{4}$")
_TRAY_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")

ROLES_TEXT = (
    "Toegang: vroegsignaleerders, teamleiders en serviceaccounts, elk alleen voor de meldingen van de eigen "
    "gemeente(n). Een melding van een andere gemeente geeft 404."
)


def _problems(*codes: int, **overrides: str) -> dict:
    descriptions = {
        400: "Ongeldige invoer; `invalidParams` noemt elk ongeldig veld of elke ongeldige parameter.",
        401: "Geen, een ongeldig, verlopen of ingetrokken token, of de gebruiker is niet actief.",
        403: "De rol van de gebruiker heeft geen toegang tot deze bewerking.",
        404: "De melding bestaat niet of hoort bij een andere gemeente.",
        409: "De melding staat dit nu niet toe (bijvoorbeeld gesloten of de termijn is verstreken); `code` zegt "
             "waarom.",
        429: "Te veel verzoeken; zie `Retry-After`.",
    }
    descriptions.update({int(k[1:]): v for k, v in overrides.items()})
    return {(code, PROBLEM): OpenApiResponse(Problem, description=descriptions[code]) for code in codes}


def _path_id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description=description)


MELDING_ID = _path_id("meldingId", "De id van de melding.")
CONTACTPOGING_ID = _path_id("contactpogingId", "De id van de contactpoging (van deze melding).")

# Service refusals about a particular input, per action: refusal code → input name.
_FIELD_NAMES = {"toestemming": "toestemmingGeenHulpGewenst"}


# --- helpers ------------------------------------------------------------------------------------------


_MESSAGES = {
    "missing": ("required", "Dit veld is verplicht."),
    "extra_forbidden": ("unknown_field", "Onbekend veld."),
    "string_type": ("invalid", "Geef tekst."),
    "bool_type": ("invalid", "Geef true of false."),
    "bool_parsing": ("invalid", "Geef true of false."),
    "timezone_aware": ("invalid", "Geef het tijdstip met tijdzone, bv. 2026-06-02T19:15:00+02:00."),
    "string_too_short": ("required", "Dit veld mag niet leeg zijn."),
    "string_unicode": ("invalid", "De tekst bevat een ongeldig teken (een losse surrogaat)."),
}


def _message(error: dict) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return "invalid_choice", f"Ongeldige waarde; kies uit: {ctx.get('expected', '')}."
    if kind == "string_too_long":
        return "max_length", f"Maximaal {ctx.get('max_length')} tekens."
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return "invalid", "Geen geldig tijdstip; geef een tijdstip met tijdzone, bv. 2026-06-02T19:15:00+02:00."
    if kind == "invalid":  # our own validators carry a Dutch message
        return "invalid", str(error["msg"])
    return "invalid", "Ongeldige waarde."


def _body(request, model: type[BaseModel]) -> BaseModel:
    data = request.data
    if not isinstance(data, dict):
        raise InvalidParams([FieldError("body", "invalid", "Geef een JSON-object.")])
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False, include_input=False):
            code, reason = _message(error)
            name = ".".join(str(part) for part in error["loc"]) or "body"
            errors.append(FieldError(name, code, reason))
        raise InvalidParams(errors) from None


def _refused(exc: CaseActionError, field_codes: dict[str, str] | None = None) -> exceptions.APIException:
    """A service's refusal as a problem: the fields it names (400), an input it is about (400), else 409."""
    message = " ".join(exc.messages)
    code = getattr(exc, "code", None) or "geweigerd"
    if exc.fields:
        return InvalidParams([FieldError(_FIELD_NAMES.get(name, name), code, reason)
                              for name, reason in exc.fields.items()], detail=message)
    if field_codes and code in field_codes:
        return InvalidParams([FieldError(field_codes[code], code, message)], detail=message)
    return Conflict(message, code=code)


def _act(action, *, field_codes: dict[str, str] | None = None):
    """Run a service call; its refusals and lost races become problems (nothing has changed then)."""
    try:
        return action()
    except CaseActionError as exc:
        raise _refused(exc, field_codes) from None
    except (TransitionNotAllowed, ConcurrentTransition):
        raise Conflict("De melding is intussen gewijzigd; haal haar opnieuw op en probeer het nog eens.",
                       code="gewijzigd") from None


def _params(request, allowed: set[str], errors: list[FieldError]) -> dict[str, str]:
    values = {}
    for name in request.query_params:
        if name not in allowed:
            errors.append(FieldError(name, "unknown_parameter", "Onbekende parameter."))
            continue
        given = request.query_params.getlist(name)
        if len(given) > 1:
            errors.append(FieldError(name, "invalid", "Geef deze parameter hoogstens één keer."))
            continue
        values[name] = given[0]
    return values


def _int_param(value: str | None, name: str, low: int, high: int, default: int, errors: list) -> int:
    if value is None:
        return default
    number = parse_id(value)
    if number is None or not low <= number <= high:
        errors.append(FieldError(name, "invalid", f"Geef een geheel getal van {low} tot {high}."))
        return default
    return number


# --- views ------------------------------------------------------------------------------------------


class MunicipalApiView(APIView):
    authentication_classes = [UserTokenAuthentication]
    permission_classes = [HasApiRole]
    throttle_classes = [UserTokenRateThrottle]

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise TokenRequired()
        raise exceptions.PermissionDenied(detail=message, code=code)

    def get_case(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = selectors.case_get_for_api(request.user, meldingId)
        if case is None:
            raise exceptions.NotFound()
        return case

    def case_response(self, request, case_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        case = self.get_case(request, case_id)
        return Response(case_representation(case, selectors.case_signals(case), selectors.case_attempts(case)),
                        status=status_code)


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
        responses={200: MeldingenPagina, **_problems(400, 401, 403, 429)},
        tags=[TAG],
    )
    def get(self, request):
        errors: list[FieldError] = []
        params = _params(request, self.ALLOWED, errors)
        page = _int_param(params.get("pagina"), "pagina", 1, MAX_PAGE, 1, errors)
        limit = _int_param(params.get("limiet"), "limiet", 1, MAX_LIMIT, DEFAULT_LIMIT, errors)
        filters = self._filters(params, errors)
        if errors:
            raise InvalidParams(errors)
        qs = selectors.case_list_for_api(request.user, **filters)
        total = qs.count()
        cases = list(qs[(page - 1) * limit:page * limit]) if total > (page - 1) * limit else []
        kinds = selectors.case_creditor_kinds([c.pk for c in cases]) if cases else {}
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
        responses={200: Melding, **_problems(400, 401, 403, 404, 429)},
        tags=[TAG],
    )
    def get(self, request, meldingId):  # noqa: N803 - the path parameter's name
        return self.case_response(request, meldingId)


class ContactpogingenView(MunicipalApiView):
    @extend_schema(
        operation_id="contactpogingAanmaken",
        summary="Een contactpoging registreren",
        description=(
            "De eerste poging zet een open melding in behandeling. Geweigerd (409) als de melding gesloten is of "
            "de termijn van 28 dagen is verstreken; een heropende melding neemt pogingen aan. Een reactie op een "
            f"brief, kaartje, e-mail of sms registreert u op die poging (`…/reactie`). {ROLES_TEXT}"
        ),
        parameters=[MELDING_ID],
        request=ContactpogingNieuw,
        responses={201: OpenApiResponse(Contactpoging, description="De contactpoging is geregistreerd."),
                   **_problems(400, 401, 403, 404, 409, 429)},
        tags=[TAG],
    )
    def post(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        body = _body(request, ContactpogingNieuw)
        attempt = _act(lambda: contact_attempt_register(
            case=case, kind=body.soortContact, at=body.tijdstip, reached=body.bereikt, note=body.notitie.strip(),
            by=request.user,
        ), field_codes={"tijdstip": "tijdstip", "tijdstip_toekomst": "tijdstip", "tijdstip_voor": "tijdstip"})
        attempt = selectors.case_attempt_get(case, attempt.pk)
        return Response(attempt_representation(attempt), status=status.HTTP_201_CREATED,
                        headers={"Location": f"{BASE_PATH}/meldingen/{case.pk}/contactpogingen/{attempt.pk}"})


class _AttemptView(MunicipalApiView):
    def get_attempt(self, request, meldingId, contactpogingId):  # noqa: N803 - the path parameters' names
        case = self.get_case(request, meldingId)
        attempt = selectors.case_attempt_get(case, contactpogingId)
        if attempt is None:
            raise exceptions.NotFound()
        return case, attempt


class ContactpogingView(_AttemptView):
    @extend_schema(
        operation_id="contactpogingOpvragen",
        summary="Eén contactpoging van een melding",
        description=ROLES_TEXT,
        parameters=[MELDING_ID, CONTACTPOGING_ID],
        responses={200: Contactpoging, **_problems(400, 401, 403, 404, 429,
                                                    _404="De melding of contactpoging bestaat niet (voor u).")},
        tags=[TAG],
    )
    def get(self, request, meldingId, contactpogingId):  # noqa: N803 - the path parameters' names
        return Response(attempt_representation(self.get_attempt(request, meldingId, contactpogingId)[1]))


class ReactieView(_AttemptView):
    @extend_schema(
        operation_id="reactieAanmaken",
        summary="Een reactie op een brief, kaartje, e-mail of sms registreren",
        description=(
            "De inwoner reageerde: de contactpoging wordt `bereikt` (er komt geen nieuwe poging bij). Geweigerd "
            f"(409) bij een ander soort contact, een tweede reactie, of buiten de termijn. {ROLES_TEXT}"
        ),
        parameters=[MELDING_ID, CONTACTPOGING_ID],
        request=ReactieNieuw,
        responses={200: OpenApiResponse(Contactpoging, description="De reactie is geregistreerd."),
                   **_problems(400, 401, 403, 404, 409, 429,
                               _404="De melding of contactpoging bestaat niet (voor u).")},
        tags=[TAG],
    )
    def post(self, request, meldingId, contactpogingId):  # noqa: N803 - the path parameters' names
        case, attempt = self.get_attempt(request, meldingId, contactpogingId)
        body = _body(request, ReactieNieuw)
        _act(lambda: contact_attempt_record_reply(attempt=attempt, at=body.tijdstip, note=body.notitie.strip(),
                                                  by=request.user),
             field_codes={"tijdstip": "tijdstip", "tijdstip_toekomst": "tijdstip", "tijdstip_voor": "tijdstip"})
        return Response(attempt_representation(selectors.case_attempt_get(case, attempt.pk)))


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
                   **_problems(400, 401, 403, 404, 409, 429)},
        tags=[TAG],
    )
    def post(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        body = _body(request, AfsluitingNieuw)
        _act(lambda: services.case_close(
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
                   **_problems(400, 401, 403, 404, 409, 429)},
        tags=[TAG],
    )
    def post(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        body = _body(request, HeropeningNieuw)
        _act(lambda: services.case_reopen(case=case, reason=body.reden, by=request.user),
             field_codes={"reden": "reden"})
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
                   **_problems(400, 401, 403, 404, 409, 429,
                               _403="Alleen een teamleider kan meldingen toewijzen.")},
        tags=[TAG],
    )
    def put(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        if not permissions.is_team_lead(request.user):
            raise exceptions.PermissionDenied("Alleen een teamleider kan meldingen toewijzen.",
                                              code="alleen_teamleider")
        body = _body(request, ToewijzingNieuw)
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
                               code="gesloten") from None
            exc.fields = {"gebruikersnaam" if name == "medewerker" else name: text for name, text in exc.fields.items()}
            raise _refused(exc) from None
        return self.case_response(request, case.pk)


class BakjesView(MunicipalApiView):
    @extend_schema(
        operation_id="bakjesOpvragen",
        summary="De bakjes van de eigen gemeente(n) met het aantal actieve meldingen",
        description=ROLES_TEXT,
        responses={200: Bakjes, **_problems(400, 401, 403, 429, _400="Onbekende parameter.")},
        tags=[TAG],
    )
    def get(self, request):
        errors: list[FieldError] = []
        _params(request, set(), errors)
        if errors:
            raise InvalidParams(errors)
        return Response({"bakjes": [tray_representation(t) for t in selectors.trays_for_api(request.user)]})
