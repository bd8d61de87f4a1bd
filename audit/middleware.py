"""Writes a request's audit events in one insert when the response is ready.

- The events a view recorded (``audit.recording.record``).
- A write request (POST, PUT, PATCH, DELETE) to a route marked ``@audited``: one event, even when the view
  recorded nothing; when it did, its first event becomes the write (one event: the write and what it showed).
- A GET to a route marked ``@audited(read=…)`` that the view did not record.
- ``/beheer/`` pages of models with personal data (``PERSONAL_DATA_MODELS``): changelists (ids, count, the
  search term hashed), change, history and delete pages, and their writes; read from the admin's own
  response context, so no admin class changes and no extra query.

Nothing is written for a refused request (401, 403, 404, 405, 429) that recorded nothing, or for a visitor who is
not signed in. Who acted is the request's user (a session, or a municipal API token) or the creditor's key
(``request.auth``). When the insert fails the request fails: no personal data without its trail.
"""
from __future__ import annotations

import re
import uuid

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone

from vroegsignalering.common.request_id import current_request_id

from .hashing import person_hash, search_hash
from .recording import AuditSpec, pending, view_spec
from .services import audit_events_write
from .vocab import WRITE_ACTIONS, Action, Principal, Purpose

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED = frozenset({401, 403, 404, 405, 429})  # nothing was shown or done

# Admin models whose pages show personal data (app_label.model_name); others are configuration.
PERSONAL_DATA_MODELS = frozenset({
    "accounts.user", "signals.signal", "signals.delivery", "signals.csvimport", "signals.signalhistory",
    "signals.falloutdecision", "cases.case", "cases.casehistory", "cases.followup", "contacts.contactattempt",
    "contacts.plannedvisit", "contacts.followup", "feedback.feedbackevent", "feedback.webhookdelivery",
    "shv.shvregistration",
    # credentials of people: resetting a second factor or unlocking an account is recorded like a change
    "otp_totp.totpdevice", "otp_static.staticdevice", "axes.accessattempt",
})
_ADMIN_PAGE = re.compile(
    r"^(?P<model>[a-z0-9_]+?_[a-z0-9]+)_(?P<page>changelist|password_change|change|history|delete|add)$")
_SHORT_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never stored (PostgreSQL refuses NUL in text)
_admin_models: dict[str, str] | None = None


def _admin_url_models() -> dict[str, str]:
    """``"cases_case"`` → ``"cases.case"`` for the registered admin models with personal data."""
    global _admin_models
    if _admin_models is None:
        found = {}
        for model in admin.site._registry:
            label = f"{model._meta.app_label}.{model._meta.model_name}"
            if label in PERSONAL_DATA_MODELS:
                found[f"{model._meta.app_label}_{model._meta.model_name}"] = label
        user = get_user_model()._meta
        if f"{user.app_label}.{user.model_name}" in PERSONAL_DATA_MODELS:
            found["auth_user"] = f"{user.app_label}.{user.model_name}"  # Django names the password page auth_user_…
        _admin_models = found
    return _admin_models


def _admin_spec(request) -> tuple[str, str] | None:
    match = request.resolver_match
    if match is None or match.app_name != "admin":
        return None
    page = _ADMIN_PAGE.match(match.url_name or "")
    if page is None or page["model"] not in _admin_url_models():
        return None
    return _admin_url_models()[page["model"]], page["page"]


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        events = getattr(request, "audit_events", None) or []
        spec = getattr(request, "audit_spec", None)
        admin_page = getattr(request, "audit_admin", None)
        if admin_page is not None:
            events = _admin_events(request, response, *admin_page)
        elif spec is not None:
            events = _route_events(request, response, spec, events)
        if not events:
            return response
        who = _who(request)
        if who is None:
            return response
        common = {**who, "route": _route(request), "method": request.method[:8],
                  "path": _CONTROL.sub("?", request.path)[:300], "status": response.status_code,
                  "request_id": getattr(request, "request_id", current_request_id())}
        audit_events_write([{**common, **event} for event in events])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        admin_page = _admin_spec(request)
        if admin_page is not None:
            request.audit_admin = admin_page
            return None
        spec = view_spec(view_func)
        if spec is not None:
            request.audit_spec = spec
            request.audit_api = hasattr(view_func, "cls")
            request.audit_kwargs = view_kwargs
        return None


def _route(request) -> str:
    match = request.resolver_match
    return (match.view_name if match else "")[:100]


def _url_object_id(kwargs: dict) -> str:
    """The first internal id in the path (a number or UUID; never free text such as a creditor's signaalId)."""
    for value in kwargs.values():
        if isinstance(value, int | uuid.UUID):
            return str(value)
    return ""


def _event(action, purpose, object_type="", object_id="", **fields) -> dict:
    return {"at": timezone.now(), "action": str(action), "purpose": str(purpose), "object_type": object_type,
            "object_id": object_id, "object_ids": [], "persons": [], "search_hash": "", "count": None,
            "municipality_id": None, **fields}


def _route_events(request, response, spec: AuditSpec, events: list[dict]) -> list[dict]:
    api = getattr(request, "audit_api", False)
    for event in events:
        event["purpose"] = event["purpose"] or spec.purpose
    if request.method in WRITE_METHODS:
        action = spec.write or (Action.API_WRITE if api else Action.CHANGE)
        if events:  # what the view recorded is the write (a write action it named stays)
            if events[0]["action"] not in WRITE_ACTIONS:
                events[0]["action"] = str(action)
            return events
        if response.status_code in REFUSED:
            return []
        return [_event(action, spec.purpose, spec.object_type, _url_object_id(request.audit_kwargs))]
    if events or not spec.read or response.status_code in REFUSED:
        return events
    return [_event(spec.read, spec.purpose, spec.object_type, _url_object_id(request.audit_kwargs))]


def _admin_events(request, response, label: str, page: str) -> list[dict]:
    if response.status_code in REFUSED:
        return []
    # Fill the request's pending list, so that an event a view recorded is kept too.
    events = pending(request)
    context = getattr(response, "context_data", None) or {}
    event = _event(Action.ADMIN_CHANGE if request.method in WRITE_METHODS else Action.ADMIN_VIEW, Purpose.BEHEER,
                   label)
    changelist = context.get("cl")
    if page == "changelist" and changelist is not None:
        shown = list(changelist.result_list)
        event["object_ids"] = [str(obj.pk) for obj in shown]
        event["count"] = changelist.result_count
        event["persons"] = _person_hashes(getattr(obj, "bsn", "") for obj in shown)
        term = getattr(changelist, "query", "")
        if term:
            event["action"] = str(Action.SEARCH)
            event["search_hash"] = search_hash(term)
    else:
        obj = context.get("original") or context.get("object")
        object_id = str(getattr(obj, "pk", "") or request.resolver_match.kwargs.get("object_id", ""))
        event["object_id"] = object_id if _SHORT_ID.match(object_id) else ""
        event["municipality_id"] = getattr(obj, "municipality_id", None)
        event["persons"] = _person_hashes([getattr(obj, "bsn", "")])
    return [*events, event]


def _person_hashes(values) -> list[str]:
    return sorted({h for h in (person_hash(v) for v in values if v) if h})


def _who(request) -> dict | None:
    """The principal of the request; None for a visitor who is not signed in."""
    user = getattr(request, "user", None)
    auth = getattr(request, "auth", None)
    base = {"user_id": None, "username": "", "role": "", "key_prefix": "", "creditor_id": None,
            "creditor_name": ""}
    if isinstance(user, get_user_model()):
        if not user.is_authenticated:
            return None
        prefix = getattr(auth, "prefix", "") or ""
        return {**base, "principal": str(Principal.TOKEN if prefix else Principal.USER), "user_id": user.pk,
                "username": user.get_username()[:150], "role": user.role, "key_prefix": prefix[:16]}
    creditor = getattr(user, "creditor", None)
    if creditor is not None and getattr(user, "is_authenticated", False):  # a creditor's API key
        prefix = getattr(auth, "prefix", "") or ""
        return {**base, "principal": str(Principal.CREDITOR_KEY), "key_prefix": prefix[:16],
                "creditor_id": creditor.pk, "creditor_name": creditor.name[:200]}
    return None
