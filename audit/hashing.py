"""Keyed hashes: a BSN (or a search term) is never stored in clear in the audit trail, only as
HMAC-SHA256 with the key ``settings.AUDIT_HASH_KEY`` (default: derived from ``SECRET_KEY``; set it
explicitly in production, because a new SECRET_KEY would otherwise make older events unfindable by person).
Without the key a hash cannot be turned back into a BSN by trying all 10^9 of them."""
from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

_DIGITS = re.compile(r"^[0-9]{8,9}$")


def _key() -> bytes:
    configured = getattr(settings, "AUDIT_HASH_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"vroegsignalering.audit.person:" + settings.SECRET_KEY.encode()).digest()


def purpose_key(purpose: str) -> bytes:
    """A key for keyed hashes made for another purpose than the audit trail, derived from the audit key
    (domain separation): HMAC(audit key, purpose). A hash made for one purpose never matches one made for
    another, and whoever holds a derived key cannot compute the trail's hashes."""
    if not purpose:
        raise ValueError("purpose is required")
    return hmac.new(_key(), purpose.encode(), hashlib.sha256).digest()


def _hmac(value: str) -> str:
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def normalise_bsn(value: str) -> str:
    """A BSN as 9 digits (an 8-digit BSN lost its leading zero somewhere); '' when it is none."""
    value = (value or "").strip().replace(" ", "").replace(".", "")
    return value.zfill(9) if _DIGITS.match(value) else ""


def person_hash(bsn: str) -> str:
    """The keyed hash of a BSN ('' for no BSN)."""
    bsn = normalise_bsn(bsn)
    return _hmac("bsn:" + bsn) if bsn else ""


def search_hash(term: str) -> str:
    """The keyed hash of a search term (case and surrounding spaces ignored): the trail can show that two
    searches were for the same thing, never what it was."""
    term = " ".join((term or "").split()).casefold()
    return _hmac("zoek:" + term) if term else ""
