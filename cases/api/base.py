"""What every view of the municipal API shares: authentication, the case lookup (404 for a case of
another municipality, so its existence does not leak), the OpenAPI texts, and refusals as problems.

Refusals of the services (``CaseActionError``, codes in ``cases.refusals.CaseRefusal``) become
problem+json: 400 with ``invalidParams`` when they are about input fields, 409 when the case's state
does not allow the action.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.urls import register_converter
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import Action, audited, record, signal_persons
from audit.vocab import Purpose
from cases import selectors
from cases.exceptions import CaseActionError
from cases.refusals import CaseRefusal
from vroegsignalering.common.api import FieldError, problem_responses
from vroegsignalering.common.problems import Conflict, InvalidParams

from .authentication import HasApiRole, TokenRequired, UserTokenAuthentication, UserTokenRateThrottle
from .representations import case_representation

T = TypeVar("T")

TAG = "Gemeente"
BASE_PATH = "/api/v1/gemeente"

ROLES_TEXT = (
    "Toegang: vroegsignaleerders, teamleiders en serviceaccounts, elk alleen voor de meldingen van de eigen "
    "gemeente(n). Een melding van een andere gemeente geeft 404."
)

PROBLEMS = {
    400: "Ongeldige invoer; `invalidParams` noemt elk ongeldig veld of elke ongeldige parameter.",
    401: "Geen, een ongeldig, verlopen of ingetrokken token, of de gebruiker is niet actief.",
    403: "De rol van de gebruiker heeft geen toegang tot deze bewerking.",
    404: "De melding bestaat niet of hoort bij een andere gemeente.",
    409: "De melding staat dit nu niet toe (bijvoorbeeld gesloten of de termijn is verstreken); `code` zegt "
         "waarom.",
    413: "De inhoud is groter dan toegestaan (standaard 5 MB).",
    429: "Te veel verzoeken; zie `Retry-After`.",
}


# --- paths ------------------------------------------------------------------------------------------


class IdConverter:
    """A database id in a path: 1 to 18 digits (a longer number is no id here: 404, never a database error)."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "gemeente_id")


def problems(*codes: int, **overrides: str) -> dict:
    """The municipal API's problem responses for ``extend_schema``; ``_404="…"`` overrides a description."""
    return problem_responses(PROBLEMS, *codes, **overrides)


def _path_id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description=description)


MELDING_ID = _path_id("meldingId", "De id van de melding.")
CONTACTPOGING_ID = _path_id("contactpogingId", "De id van de contactpoging (van deze melding).")

# A service's field name (``CaseActionError.fields``) → the request's field name, where they differ.
_FIELD_NAMES = {"toestemming": "toestemmingGeenHulpGewenst"}
# Refusal codes about the moment of a contact attempt or reply: a 400 on `tijdstip`.
TIJDSTIP_CODES = {CaseRefusal.TIJDSTIP: "tijdstip", CaseRefusal.TIJDSTIP_TOEKOMST: "tijdstip",
                  CaseRefusal.TIJDSTIP_VOOR: "tijdstip"}


def refused(exc: CaseActionError, field_codes: dict[str, str] | None = None) -> exceptions.APIException:
    """A service's refusal as a problem: the fields it names (400), an input it is about (400), else 409."""
    message = " ".join(exc.messages)
    code = getattr(exc, "code", None) or "geweigerd"
    if exc.fields:
        return InvalidParams([FieldError(_FIELD_NAMES.get(name, name), code, reason)
                              for name, reason in exc.fields.items()], detail=message)
    if field_codes and code in field_codes:
        return InvalidParams([FieldError(field_codes[code], code, message)], detail=message)
    return Conflict(message, code=code)


def act(action: Callable[[], T], *, field_codes: dict[str, str] | None = None) -> T:
    """Run a service call; its refusals and lost races become problems (nothing has changed then)."""
    try:
        return action()
    except CaseActionError as exc:
        raise refused(exc, field_codes) from None
    except (TransitionNotAllowed, ConcurrentTransition):
        raise Conflict("De melding is intussen gewijzigd; haal haar opnieuw op en probeer het nog eens.",
                       code=CaseRefusal.GEWIJZIGD) from None


@audited(Purpose.BEHANDELING, object_type="case", read=Action.API_READ)
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
        signals = selectors.case_signals(case)
        record(request, Action.API_READ, obj=case, persons=signal_persons(signals))
        return Response(case_representation(case, signals, selectors.case_attempts(case)), status=status_code)
