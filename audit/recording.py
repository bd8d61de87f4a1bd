"""Recording, the small API the views use.

- ``record(request, action, obj=… | objects=…, persons=…, purpose=…)``: what a view showed or wrote. The
  event waits on the request; ``AuditMiddleware`` writes all of a request's events in one insert at the end.
- ``@audited(purpose, object_type=…)``: marks a route (a function view, or a DRF view class and its
  subclasses). Every write request (POST, PUT, PATCH, DELETE) to a marked route is one event, even when the
  view records nothing itself; with ``read=`` a GET that the view does not record is one event too.

Who acted is read when the request ends (the user of the session or token, or the creditor's key), so a
view never passes it. Raw BSNs passed as ``persons`` are hashed at once (``audit.hashing``); names and
free text never go in.
"""
from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable

from django.utils import timezone

from .hashing import person_hash, search_hash
from .vocab import Action

MAX_IDS = 1000  # ids kept per event (a longer list keeps its count)

# Where a signal's BRP evidence names persons (``signals.brp.decision``): the resident, the household,
# parents and the candidates of a fallout review.
EVIDENCE_PERSON_GROUPS = ("huishouden", "ouders", "kandidaten")


@dataclasses.dataclass(frozen=True)
class AuditSpec:
    """How a marked route is recorded when its view records nothing itself."""

    purpose: str
    object_type: str = ""
    read: str = ""  # the action of a GET that the view did not record ("" = GETs are not recorded generically)
    write: str = ""  # the action of a write request ("" = change, or api_write for an API)


def audited(purpose: str, *, object_type: str = "", read: str = "", write: str = ""):
    """Mark a function view or a view class (put it above the other decorators)."""
    spec = AuditSpec(purpose=str(purpose), object_type=object_type, read=str(read), write=str(write))

    def mark(view):
        view.audit_spec = spec
        return view

    return mark


def view_spec(view_func) -> AuditSpec | None:
    """The mark of a resolved view: on the function, or on a DRF/Django view's class."""
    spec = getattr(view_func, "audit_spec", None)
    if spec is None:
        spec = getattr(getattr(view_func, "cls", None) or getattr(view_func, "view_class", None), "audit_spec", None)
    return spec


def _http_request(request):
    """The Django request behind a DRF request."""
    return getattr(request, "_request", request)


def pending(request) -> list[dict]:
    """The events recorded on this request so far (written by the middleware when the request ends)."""
    http = _http_request(request)
    events = getattr(http, "audit_events", None)
    if events is None:
        events = http.audit_events = []
    return events


def _id(value) -> str:
    return str(value) if isinstance(value, int | uuid.UUID | str) else str(getattr(value, "pk", value))


def _hashes(persons: Iterable[str]) -> list[str]:
    return sorted({h for h in (person_hash(bsn) for bsn in persons if bsn) if h})


def record(request, action: str, *, obj=None, objects: Iterable | None = None, object_type: str = "",
           object_id=None, persons: Iterable[str] = (), count: int | None = None, purpose: str = "",
           municipality_id: int | None = None, search: str = "") -> None:
    """Record that this request showed or wrote personal data.

    ``obj``: the one object (a case, a signal, …); ``objects``: a list shown (their ids are kept, and the
    count unless ``count`` gives the total); ``persons``: the BSNs shown (hashed here); ``search``: a
    search term (hashed here). The municipality comes from the objects (``municipality_id``), one event
    per municipality, unless ``municipality_id`` names it; else the actor's municipalities apply.
    """
    base = {
        "at": timezone.now(), "action": str(action), "purpose": str(purpose), "persons": _hashes(persons),
        "search_hash": search_hash(search), "object_type": object_type,
    }
    events = pending(request)
    if objects is None:
        if object_id is None and obj is not None:
            object_id = obj.pk
        events.append({
            **base, "object_type": object_type or (obj._meta.model_name if obj is not None else ""),
            "object_id": "" if object_id is None else _id(object_id), "object_ids": [], "count": count,
            "municipality_id": municipality_id or getattr(obj, "municipality_id", None),
        })
        return
    rows = list(objects)
    groups: dict[int | None, list] = {}
    for row in rows:
        groups.setdefault(municipality_id or getattr(row, "municipality_id", None), []).append(row)
    if not groups:
        groups[municipality_id] = []
    for muni, members in groups.items():
        events.append({
            **base, "object_type": object_type or (members[0]._meta.model_name if members else ""),
            "object_id": "", "object_ids": [_id(m) for m in members[:MAX_IDS]],
            "count": count if count is not None and len(groups) == 1 else len(members),
            "municipality_id": muni,
        })


def signal_persons(signals, groups: tuple[str, ...] = ("huishouden",)) -> list[str]:
    """The BSNs a page about these signals shows: each signal's resident and the persons its BRP evidence
    lists under ``groups`` (the household; for the fallout review also parents and candidates)."""
    found = []
    for signal in signals:
        evidence = getattr(signal, "brp_evidence", None) or {}
        found += [getattr(signal, "bsn", ""), evidence.get("bsn", "")]
        for group in groups:
            found += [member.get("bsn", "") for member in evidence.get(group) or [] if isinstance(member, dict)]
    return [bsn for bsn in found if bsn]


__all__ = ["Action", "AuditSpec", "audited", "pending", "record", "signal_persons", "view_spec"]
