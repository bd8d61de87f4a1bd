"""Errors as RFC 9457 problem details (`application/problem+json`), for DRF and plain Django.

drf-standardized-errors turns every exception into one response; the formatter below gives it
the problem+json shape of the Dutch API Design Rules, with all field errors in ``invalidParams``.
:class:`Problem` documents that shape in the OpenAPI document (``common.api.problem_responses``).
"""
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from drf_standardized_errors.formatter import ExceptionFormatter, flatten_errors
from drf_standardized_errors.handler import ExceptionHandler
from pydantic import BaseModel
from rest_framework import exceptions, status
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Ongeldige invoer.",
    401: "Niet geauthenticeerd.",
    403: "Geen toegang.",
    404: "Niet gevonden.",
    405: "Methode niet toegestaan.",
    406: "Niet-ondersteund antwoordformaat.",
    409: "Conflict.",
    413: "Verzoek te groot.",
    415: "Niet-ondersteund formaat.",
    429: "Te veel verzoeken.",
    500: "Interne fout.",
    503: "Dienst tijdelijk niet beschikbaar.",
}

DETAILS = {
    "not_authenticated": "Geef een geldige API-sleutel in de header X-Api-Key.",
    "authentication_failed": "De API-sleutel is ongeldig of ingetrokken.",
    "not_found": "De gevraagde bron bestaat niet.",
    "method_not_allowed": "Deze methode is niet toegestaan op deze bron.",
    "unsupported_media_type": "Stuur de inhoud als application/json.",
    "parse_error": "De inhoud is geen geldige JSON.",
    "throttled": "Te veel verzoeken; probeer het later opnieuw (zie de header Retry-After).",
    "permission_denied": "U heeft geen toegang tot deze bron.",
    "not_acceptable": "Dit antwoordformaat wordt niet ondersteund; vraag application/json.",
    "error": "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
}


class InvalidParam(BaseModel):
    name: str
    code: str
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str | None = None
    invalidParams: list[InvalidParam] | None = None


class InvalidParams(exceptions.APIException):
    """A 400 (or other status) listing every field error at once."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors, *, detail="Een of meer velden zijn ongeldig.", status_code=None):
        super().__init__(detail=detail)
        self.errors = list(errors)  # objects with .name, .code, .reason
        if status_code is not None:
            self.status_code = status_code


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "Het verzoek is te groot."


class TooManyParameters(exceptions.APIException):
    """More query parameters, form fields or files than the request limits allow (issue 11)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_parameters"
    default_detail = "Te veel velden of bestanden in het verzoek."


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "Ongeldig verzoek."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def problem(status_code: int, detail: str, *, instance: str = "", code: str = "", **extra) -> dict:
    body = {
        "type": f"https://datatracker.ietf.org/doc/html/rfc9110#status.{status_code}",
        "title": TITLES.get(status_code, HTTPStatus(status_code).phrase),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if code:
        body["code"] = code
    body.update(extra)
    return body


class ProblemFormatter(ExceptionFormatter):
    def run(self) -> dict:
        exc = self.exc
        request = self.context.get("request")
        instance = request.get_full_path() if request is not None else ""
        code = exc.get_codes() if not isinstance(exc.detail, (dict, list)) else "invalid"
        if isinstance(exc, InvalidParams):
            return problem(exc.status_code, str(exc.detail), instance=instance, code="invalid",
                           invalidParams=[{"name": e.name, "code": e.code, "reason": e.reason}
                                          for e in exc.errors])
        if isinstance(exc, exceptions.ValidationError):
            errors = flatten_errors(exc.detail)
            return problem(400, "Een of meer velden zijn ongeldig.", instance=instance, code="invalid",
                           invalidParams=[{"name": e.attr or "body", "code": e.code, "reason": e.detail}
                                          for e in errors])
        detail = DETAILS.get(code) if isinstance(code, str) else None
        if detail is None or (isinstance(exc, (PayloadTooLarge, Conflict)) or code == "invalid"):
            detail = str(exc.detail)
        if exc.status_code >= 500:
            detail = DETAILS["error"]
        return problem(exc.status_code, detail, instance=instance, code=code if isinstance(code, str) else "")


class ProblemExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        # Django's request limits (settings DATA_UPLOAD_MAX_*) raise while DRF reads the query or the body:
        # a 413 or a 400 that says why, not a 500 (issue 11).
        if isinstance(exc, RequestDataTooBig):
            return PayloadTooLarge("De inhoud is groter dan toegestaan.")
        if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
            return TooManyParameters()
        if isinstance(exc, SuspiciousOperation):
            return BadRequest()
        return super().convert_known_exceptions(exc)

    def get_response(self, exc: exceptions.APIException, data: dict) -> Response:
        return Response(data, status=exc.status_code, headers=self.get_headers(exc),
                        content_type=PROBLEM_CONTENT_TYPE)


def exception_handler(exc, context):
    return ProblemExceptionHandler(exc, context).run()


def problem_response(request, status_code: int, detail: str) -> JsonResponse:
    return JsonResponse(problem(status_code, detail, instance=request.get_full_path()),
                        status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_response(request, 404, DETAILS["not_found"])
    return defaults.page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return problem_response(request, 500, DETAILS["error"])
    return defaults.server_error(request)


def handler400(request, exception=None):
    # Request limits (settings DATA_UPLOAD_MAX_*; issue 11): a body over the limit is a 413, too many fields
    # or files a 400 that says so.
    too_big = isinstance(exception, RequestDataTooBig)
    too_many = isinstance(exception, (TooManyFieldsSent, TooManyFilesSent))
    if request.path.startswith("/api/"):
        if too_big:
            return problem_response(request, 413, "De inhoud is groter dan toegestaan.")
        return problem_response(request, 400, "Te veel velden of bestanden in het verzoek." if too_many
                                else "Ongeldig verzoek.")
    if too_big or too_many:
        return render(request, "413.html", {"too_big": too_big}, status=413 if too_big else 400)
    return defaults.bad_request(request, exception)
