"""What the Notify v2 API checks and answers, as the fake needs it (sources: docs/design/outreach-notify.md §2):
the JWT with the client's own ``decode_jwt_token``, the POST schemas (``additionalProperties: false``), a
Dutch mobile number, and the error body ``{"status_code", "errors": [{"error", "message"}]}``."""
from __future__ import annotations

import re
import uuid
from typing import Any

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

SMS_FIELDS = {"phone_number", "template_id", "personalisation", "reference", "scheduled_for", "sms_sender_id"}
EMAIL_FIELDS = {"email_address", "template_id", "personalisation", "reference", "scheduled_for", "email_reply_to_id",
                "one_click_unsubscribe_url", "sanitise_content_for"}
_PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NotifyError(Exception):
    """An error answer: ``status`` and ``errors`` as the real API words them."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message

    def body(self) -> dict[str, Any]:
        return {"status_code": self.status, "errors": [{"error": self.error, "message": self.message}]}


def keys_of(api_key: str) -> tuple[str, str]:
    """(service id, secret) of a client API key ``{name}-{service_id}-{secret}``, sliced as the client does."""
    return api_key[-73:-37], api_key[-36:]


def authenticate(authorization: str, keys: dict[str, str]) -> str:
    """The service id of a valid ``Authorization: Bearer <jwt>``; else ``NotifyError`` 401/403."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotifyError(401, "AuthError", "Unauthorized: authentication token must be provided")
    try:
        issuer = get_token_issuer(token)
    except TokenError:
        raise NotifyError(403, "AuthError", "Invalid token: signature, api token not found") from None
    secret = keys.get(str(issuer))
    if secret is None:
        raise NotifyError(403, "AuthError", "Invalid token: service not found")
    try:
        decode_jwt_token(token, secret)
    except TokenError as exc:
        message = exc.message.split(". ", 1)[0]
        if "expired" in message or "future" in message or "iat" in message:
            message = "Error: Your system clock must be accurate to within 30 seconds"
        raise NotifyError(403, "AuthError", message) from None
    return str(issuer)


def nl_mobile(value: Any) -> str | None:
    """+316…, 00316… or 06… (eight more digits) as +316…; else None."""
    if not isinstance(value, str):
        return None
    digits = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+316", "00316", "06"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 8 and digits[len(prefix):].isdigit():
            return "+316" + digits[len(prefix):]
    return None


def _uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def validate(kind: str, body: Any, templates: dict[str, dict]) -> dict[str, Any]:
    """The checked request (``recipient`` normalised, ``template``, ``body``/``subject`` filled in)."""
    if not isinstance(body, dict):
        raise NotifyError(400, "ValidationError", "Request body must be a JSON object")
    allowed, recipient_field = (SMS_FIELDS, "phone_number") if kind == "sms" else (EMAIL_FIELDS, "email_address")
    errors = [f"Additional properties are not allowed ({name} was unexpected)" for name in body if name not in allowed]
    errors += [f"{name} is a required property" for name in (recipient_field, "template_id") if name not in body]
    if errors:
        raise NotifyError(400, "ValidationError", errors[0])
    if kind == "sms":
        recipient = nl_mobile(body["phone_number"])
        if recipient is None:
            raise NotifyError(400, "ValidationError", "phone_number Not a NL mobile number")
    else:
        recipient = body["email_address"]
        if not isinstance(recipient, str) or not _EMAIL.match(recipient):
            raise NotifyError(400, "ValidationError", "email_address Not a valid email address")
    if not _uuid(body["template_id"]):
        raise NotifyError(400, "ValidationError", "template_id is not a valid UUID")
    template = templates.get(body["template_id"])
    if template is None or template["type"] != kind:
        raise NotifyError(400, "BadRequestError", "Template not found")
    reference = body.get("reference")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 1000):
        raise NotifyError(400, "ValidationError", "reference is not a string of at most 1000 characters")
    personalisation = body.get("personalisation") or {}
    if not isinstance(personalisation, dict):
        raise NotifyError(400, "ValidationError", "personalisation is not of type object")
    needed = set(_PLACEHOLDER.findall(template["body"] + template.get("subject", "")))
    missing = sorted(needed - set(personalisation))
    if missing:
        raise NotifyError(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: str(personalisation.get(m.group(1), "")), text)

    return {"recipient": recipient, "template": template, "reference": reference,
            "body": fill(template["body"]), "subject": fill(template.get("subject", ""))}
