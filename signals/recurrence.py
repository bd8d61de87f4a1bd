"""Recidive after the purge (ADR 0011): the keyed address hash and the term of a ``RecurrenceFact``.

A case is opeenvolgend (recidive) when its address had a signal in the six months before the
period. The purge destroys signals after the municipality's retention term, which may be shorter
than that window; the facts keep just enough to answer the question. The address is hashed with a
key (HMAC-SHA256): the Dutch address space (some 10 million postcode + house number combinations)
is small enough to hash completely, so an unkeyed hash would be a lookup table away from the address.
"""
import datetime as dt
import hashlib
import hmac

from audit.hashing import purpose_key
from vroegsignalering.common.dates import add_months

# Domain separation: the hash key is HMAC(AUDIT_HASH_KEY, PURPOSE), never the audit key itself.
PURPOSE = "vroegsignalering.recidive.adres"
# How long a fact is kept: the recidive window (6 months before the period's first day) plus the
# period itself (at most a month) ...
FACT_MONTHS = 7
# ... plus a margin for a period close that runs a few days late (and for short months: with closing
# day 28 the window of a period starting on the 29th can begin on 28 February, 7 months before the
# close's day minus one).
FACT_GRACE_DAYS = 14


def hash_key() -> bytes:
    return purpose_key(PURPOSE)


def address_hash(address_key: str, key: bytes | None = None) -> str:
    """The keyed hash of a normalised address key (``signals.normalise.address_key``)."""
    return hmac.new(key or hash_key(), ("adres:" + address_key).encode(), hashlib.sha256).hexdigest()


def fact_expires_on(signal_date: dt.date) -> dt.date:
    """The last day a signal's fact is kept."""
    return add_months(signal_date, FACT_MONTHS) + dt.timedelta(days=FACT_GRACE_DAYS)
