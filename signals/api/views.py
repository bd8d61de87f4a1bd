"""The creditor API (Signaalpartner-API v1): thin views over the intake services and selectors."""
from django.utils.encoding import escape_uri_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import Action, audited, record
from audit.vocab import Purpose
from vroegsignalering.common.api import FieldError, body_data, capped, problem_responses
from vroegsignalering.common.problems import Conflict, InvalidParams

from .. import selectors, services
from ..models import Source
from ..schemas import MAX_SIGNALS_PER_DELIVERY, Levering, Signaal, escape_unstorable
from .renderers import SafeJSONRenderer
from .representations import (
    LeveringAntwoord,
    SignaalResource,
    delivery_representation,
    signal_representation,
)

PROBLEMS = {
    400: "Ongeldige invoer; `invalidParams` noemt elk ongeldig veld.",
    401: "Geen of een ongeldige API-sleutel.",
    404: "Bestaat niet (of hoort bij een andere vastelastenpartner).",
    409: "Dit signaalId bestaat al met andere inhoud.",
    413: "Meer dan 1.000 signalen of een te grote inhoud.",
    429: "Te veel verzoeken; zie `Retry-After`.",
}


def _actor(request) -> str:
    return f"{request.user.creditor.name} (API-sleutel {request.auth.prefix})"


def _signal_location(signal_id: str) -> str:
    """The signal's URL, percent-encoded: safe in a header, and it leads back to the same signaalId."""
    return escape_uri_path(f"/api/v1/signalen/{signal_id}")


@audited(Purpose.AANLEVERING)
class IntakeView(APIView):
    renderer_classes = [SafeJSONRenderer]


class LeveringenView(IntakeView):
    @extend_schema(
        operation_id="leveringAanmaken",
        summary="Een levering van 1 tot 1.000 signalen aanleveren",
        description=(
            "Elk signaal wordt op zichzelf beoordeeld: geldige signalen worden opgeslagen, ongeldige "
            "geweigerd met al hun fouten. Alleen een verplicht veld kan een signaal weigeren; een optionele "
            "waarde die niet bruikbaar is, wordt zonder die waarde opgeslagen (`ontvangen`) en staat in "
            "`waarschuwingen`. Tekst met stuurtekens of ongeldige Unicode (ook in veldnamen) weigert het signaal "
            "met code `invalid_character`. Een signaalId dat al is ontvangen met dezelfde inhoud geeft "
            "`al_ontvangen`; met andere inhoud `geweigerd` met code `conflict`."
        ),
        request=Levering,
        responses={201: OpenApiResponse(LeveringAntwoord, description="De levering is opgeslagen."),
                   **problem_responses(PROBLEMS, 400, 401, 413, 429)},
        tags=["leveringen"],
    )
    def post(self, request):
        body = body_data(request)
        items = _signal_list(body)
        delivery, _ = services.delivery_create(
            creditor=request.user.creditor, items=items, source=Source.API, actor=_actor(request)
        )
        record(request, Action.API_WRITE, obj=delivery, count=len(items))
        return Response(delivery_representation(delivery), status=status.HTTP_201_CREATED,
                        headers={"Location": f"/api/v1/leveringen/{delivery.pk}"})


def _signal_list(body) -> list:
    """The delivery's envelope: an object with only ``signalen``, a list of 1 to 1,000 items."""
    if not isinstance(body, dict):
        raise InvalidParams([FieldError("body", "invalid", 'Geef een object met "signalen".')])
    errors = [FieldError(escape_unstorable(str(key)), "unknown_field", "Onbekend veld.")
              for key in body if key != "signalen"]
    items = body.get("signalen")
    if items is None:
        errors.append(FieldError("signalen", "required", "Dit veld is verplicht."))
    elif not isinstance(items, list):
        errors.append(FieldError("signalen", "invalid", "Geef een lijst van signalen."))
    elif len(items) > MAX_SIGNALS_PER_DELIVERY:
        raise InvalidParams(
            [FieldError("signalen", "max_items", f"Hoogstens {MAX_SIGNALS_PER_DELIVERY} signalen per levering.")],
            detail=f"Een levering bevat hoogstens {MAX_SIGNALS_PER_DELIVERY} signalen; deze bevat er {len(items)}.",
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif not items:
        errors.append(FieldError("signalen", "min_items", "Geef ten minste één signaal."))
    if errors:
        raise InvalidParams(capped(errors))
    return items


class LeveringDetailView(IntakeView):
    @extend_schema(
        operation_id="leveringOpvragen",
        summary="De samenvatting en resultaten per signaal van een levering",
        parameters=[OpenApiParameter("leveringId", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: LeveringAntwoord, **problem_responses(PROBLEMS, 400, 401, 404, 429)},
        tags=["leveringen"],
    )
    def get(self, request, leveringId):  # noqa: N803 - the contract's path parameter name
        delivery = selectors.delivery_get_for_creditor(creditor=request.user.creditor, delivery_id=leveringId)
        if delivery is None:
            raise NotFound()
        record(request, Action.API_READ, obj=delivery)
        return Response(delivery_representation(delivery))


class SignalenView(IntakeView):
    @extend_schema(
        operation_id="signaalAanmaken",
        summary="Eén signaal aanleveren",
        description=(
            "Een optionele waarde die niet bruikbaar is, weigert het signaal niet: het wordt zonder die waarde "
            "opgeslagen en het antwoord noemt haar in `waarschuwingen`."
        ),
        request=Signaal,
        responses={
            201: OpenApiResponse(SignaalResource, description="Het signaal is opgeslagen."),
            200: OpenApiResponse(SignaalResource, description="Dit signaal was al ontvangen met dezelfde inhoud."),
            **problem_responses(PROBLEMS, 400, 401, 409, 413, 429),
        },
        tags=["signalen"],
    )
    def post(self, request):
        body = body_data(request)
        creditor = request.user.creditor
        _, results = services.delivery_create(
            creditor=creditor, items=[body], source=Source.API, actor=_actor(request),
            record_if_all_refused=False,
        )
        result = results[0]
        if result.status == services.GEWEIGERD:
            if any(e.code == "conflict" for e in result.errors):
                raise Conflict(services.CONFLICT_REASON)
            raise InvalidParams(result.errors)
        signal = selectors.signal_get_for_creditor(creditor=creditor, signal_id=result.signal_id)
        record(request, Action.API_WRITE, obj=signal)
        created = result.status == services.ONTVANGEN
        return Response(
            signal_representation(signal),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": _signal_location(signal.signal_id)},
        )


class SignaalDetailView(IntakeView):
    @extend_schema(
        operation_id="signaalOpvragen",
        summary="Een eigen signaal met zijn status",
        description=(
            "Het signaal zolang de gemeente het bewaart. Na de bewaartermijn van de gemeente (standaard 6 maanden "
            "nadat de melding sloot of het signaal zonder melding eindigde) worden de persoonsgegevens vernietigd: "
            "daarna antwoordt deze vraag 404. De terugkoppelingen over het signaal blijven in de feed "
            "(`/terugkoppelingen`), met hetzelfde signaalId."
        ),
        parameters=[OpenApiParameter("signaalId", str, OpenApiParameter.PATH)],
        responses={200: SignaalResource, **problem_responses(PROBLEMS, 400, 401, 404, 429)},
        tags=["signalen"],
    )
    def get(self, request, signaalId):  # noqa: N803 - the contract's path parameter name
        signal = selectors.signal_get_for_creditor(creditor=request.user.creditor, signal_id=signaalId)
        if signal is None:
            raise NotFound()
        record(request, Action.API_READ, obj=signal)
        return Response(signal_representation(signal))
