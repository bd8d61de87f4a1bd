"""The gateway's delivery callback: ``POST /koppelingen/notify/afleverstatus`` (Notify's "callback URL").

No session and no CSRF token: Notify authenticates with ``Authorization: Bearer <NOTIFY_CALLBACK_TOKEN>``,
compared in constant time. Answers (Notify retries only on a connection error, 5xx or 429):

- 200 when the status is stored, and for a repeat (nothing changes twice);
- 400 problem+json for a body that is not a callback (never a 500), 401 for a missing or wrong token;
- 404 for a message we do not know; 503 when we know it but have not registered its attempt yet (retry).

The recipient (``to``) is never logged or stored from here.
"""
from __future__ import annotations

import hmac
import json
from typing import Literal

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vroegsignalering.common.api import MUNICIPAL_WORDING, field_name, pydantic_message
from vroegsignalering.common.problems import PROBLEM_CONTENT_TYPE, problem

from .delivery import PENDING, UNKNOWN, delivery_status_apply

MAX_BODY = 16 * 1024


class DeliveryCallback(BaseModel):
    """Notify's callback body (``service_callback_tasks``); fields we do not use may come too."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64)
    reference: str | None = Field(default=None, max_length=1000)
    status: Literal["created", "sending", "pending", "sent", "delivered", "permanent-failure",
                    "temporary-failure", "technical-failure"]
    notification_type: Literal["sms", "email", "letter"] | None = None


def _problem(request, status: int, detail: str, **extra) -> JsonResponse:
    response = JsonResponse(problem(status, detail, instance=request.path, **extra), status=status,
                            content_type=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _authorised(request) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@csrf_exempt
@require_POST
def delivery_status(request):
    if not _authorised(request):
        return _problem(request, 401, "Geef het afgesproken token in de header Authorization: Bearer.")
    if len(request.body) > MAX_BODY:
        return _problem(request, 413, "De inhoud is groter dan toegestaan.")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _problem(request, 400, "De inhoud is geen geldige JSON.", code="parse_error")
    if not isinstance(data, dict):
        return _problem(request, 400, "Geef een JSON-object.", code="invalid")
    try:
        callback = DeliveryCallback.model_validate(data)
    except ValidationError as exc:
        params = []
        for error in exc.errors(include_url=False, include_input=False):
            code, reason = pydantic_message(error, MUNICIPAL_WORDING)
            params.append({"name": field_name(error["loc"]) or "body", "code": code, "reason": reason})
        return _problem(request, 400, "Een of meer velden zijn ongeldig.", code="invalid", invalidParams=params)
    outcome = delivery_status_apply(notification_id=callback.id, reference=callback.reference,
                                    status=callback.status, now=timezone.now())
    if outcome == UNKNOWN:
        return _problem(request, 404, "Dit bericht is hier niet bekend.")
    if outcome == PENDING:
        response = _problem(request, 503, "Het bericht wordt nog verwerkt; probeer het later opnieuw.")
        response["Retry-After"] = "5"
        return response
    return HttpResponse(status=200)
