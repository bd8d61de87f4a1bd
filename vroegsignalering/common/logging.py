"""Logs without personal data (review D13).

What a log line may hold: internal ids, codes, counts, URL patterns; never a BSN, name, address,
phone number or e-mail address. The code itself does not log those (task arguments are internal ids;
log calls pass ids and codes). Three things here keep the rest out:

- ``PersonalDataFilter`` (on every handler: ``LOGGING`` and gunicorn's logger) as defence in depth:
  drops query strings from anything that looks like a path (an admin search ``?q=<BSN or name>``),
  and masks BSN-like numbers (nine digits passing the elfproef), e-mail addresses and Dutch phone
  numbers in the message, its arguments and the exception text.
- ``RequestPathFilter`` for ``django.request``/``django.security``: their "Not Found: <path>" lines
  name the URL pattern (``/api/v1/signalen/<str:signaal_id>``) instead of the path with its ids, and
  a ``BadHeaderError`` no longer repeats the header's value.
- ``gunicorn_logging.GunicornLogger`` (``logger_class`` in gunicorn.conf.py): the access log has the path without the
  query string, and the Referer without its query string.
"""
from __future__ import annotations

import logging
import re

from django.urls import Resolver404, resolve
from stdnum.nl import bsn

MASK_BSN = "[bsn]"
MASK_EMAIL = "[e-mail]"
MASK_PHONE = "[telefoon]"
MASK_QUERY = "?[…]"

_NINE_DIGITS = re.compile(r"(?<![\d])(\d{4})[ .]?(\d{2})[ .]?(\d{3})(?![\d])")
_EIGHT_DIGITS = re.compile(r"(?<![\d])\d{8}(?![\d])")  # a BSN whose leading zero was lost (a spreadsheet)
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# 06-12345678, 0612345678, 020 123 4567, +31 6 12345678, +31(0)20-1234567, 0031 6 1234 5678
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d){8}(?!\d)")
# A path followed by a query string: /beheer/shv/shvregistration/?q=…, http://host/x?y=z
_PATH_QUERY = re.compile(r"((?:https?://[^\s/?#\"']+)?/[^\s?#\"']*)\?[^\s#\"']*")
_BAD_HEADER = re.compile(r"(Header values can't contain newlines, got ).*", re.DOTALL)


def is_bsn(digits: str) -> bool:
    """Nine digits that pass the elfproef of a BSN (python-stdnum's check)."""
    return len(digits) == 9 and digits.isdigit() and bsn.is_valid(digits)


def mask(text: str) -> str:
    """``text`` without query strings, BSN-like numbers, e-mail addresses and Dutch phone numbers."""
    if not text:
        return text
    text = _PATH_QUERY.sub(lambda m: m.group(1) + MASK_QUERY, text)
    text = _EMAIL.sub(MASK_EMAIL, text)
    text = _PHONE.sub(MASK_PHONE, text)
    text = _NINE_DIGITS.sub(lambda m: MASK_BSN if is_bsn("".join(m.groups())) else m.group(0), text)
    return _EIGHT_DIGITS.sub(lambda m: MASK_BSN if is_bsn("0" + m.group(0)) else m.group(0), text)


class PersonalDataFilter(logging.Filter):
    """Masks personal data in a record (module doc). The message is rendered with its arguments first,
    so a value passed as an argument is masked too; the exception text is rendered and masked once."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the pieces, masked
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(_BAD_HEADER.sub(r"\1[…]", record.exc_text))
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


def url_pattern(path: str) -> str:
    """The URL pattern a path matched (``/meldingen/<int:pk>``), or its first segment when none."""
    try:
        return "/" + resolve(path).route
    except Resolver404:
        first = path.strip("/").split("/", 1)[0]
        return f"/{first}/… (geen route)" if first else "/"
    except Exception:
        return "(pad)"


class RequestPathFilter(logging.Filter):
    """For ``django.request`` and ``django.security``: "Not Found: /api/v1/signalen/ZV-1" becomes
    "Not Found: /api/v1/signalen/<signaal_id:signaalId>" (the ids in a path are the caller's data); the
    same for runserver's request lines (``django.server``, the embedded run)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.server" and isinstance(record.args, tuple) and record.args \
                and isinstance(record.args[0], str) and record.args[0].count(" ") == 2:
            method, target, protocol = record.args[0].split(" ")  # runserver: "GET /path?query HTTP/1.1"
            record.args = (f"{method} {url_pattern(target.split('?', 1)[0])} {protocol}", *record.args[1:])
            return True
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple) and path in record.args:
            pattern = url_pattern(getattr(request, "path_info", path))
            record.args = tuple(pattern if arg == path else arg for arg in record.args)
        return True
