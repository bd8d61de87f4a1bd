"""The municipal API's contact attempts (/api/v1/gemeente/meldingen/{id}/contactpogingen…): register an
attempt, read one, and register a reply to a letter, card, e-mail or text message. Built on the case API's
base (authentication, scoping, problems) and mounted beside it by ``vroegsignalering/urls.py``."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from accounts.models import Role
from cases import selectors
from cases.api.base import (
    BASE_PATH,
    CONTACTPOGING_ID,
    MELDING_ID,
    ROLES_TEXT,
    TAG,
    TIJDSTIP_CODES,
    MunicipalApiView,
    act,
    problems,
)
from cases.api.representations import Contactpoging, attempt_representation
from cases.api.requests import ContactpogingNieuw, ReactieNieuw
from vroegsignalering.common.api import FieldError, body_parse
from vroegsignalering.common.problems import InvalidParams

from .models import Origin
from .services import contact_attempt_record_reply, contact_attempt_register


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
                   **problems(400, 401, 403, 404, 409, 413, 429)},
        tags=[TAG],
    )
    def post(self, request, meldingId):  # noqa: N803 - the path parameter's name
        case = self.get_case(request, meldingId)
        body = body_parse(request, ContactpogingNieuw)
        if body.herkomst == Origin.EXTERN_KCC and request.user.role != Role.SERVICE_ACCOUNT:  # kcc (issue 13)
            raise InvalidParams([FieldError("herkomst", "invalid", "Alleen een serviceaccount (het systeem van een "
                                                                   "klantcontactcentrum) levert extern_kcc aan.")])
        attempt = act(lambda: contact_attempt_register(
            case=case, kind=body.soortContact, at=body.tijdstip, reached=body.bereikt, note=body.notitie.strip(),
            by=request.user, origin=body.herkomst,
        ), field_codes=TIJDSTIP_CODES)
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
        responses={200: Contactpoging, **problems(400, 401, 403, 404, 429,
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
                   **problems(400, 401, 403, 404, 409, 413, 429,
                               _404="De melding of contactpoging bestaat niet (voor u).")},
        tags=[TAG],
    )
    def post(self, request, meldingId, contactpogingId):  # noqa: N803 - the path parameters' names
        case, attempt = self.get_attempt(request, meldingId, contactpogingId)
        body = body_parse(request, ReactieNieuw)
        act(lambda: contact_attempt_record_reply(attempt=attempt, at=body.tijdstip, note=body.notitie.strip(),
                                                  by=request.user),
             field_codes=TIJDSTIP_CODES)
        return Response(attempt_representation(selectors.case_attempt_get(case, attempt.pk)))
