"""gunicorn's logger without personal data in the access log (review D13; ``vroegsignalering.common.logging``).
Only gunicorn loads this module (``logger_class`` in gunicorn.conf.py)."""
from gunicorn.glogging import Logger as _GunicornLogger

from .logging import PersonalDataFilter, mask


def _strip_query(value: str) -> str:
    return value.split("?", 1)[0] if value else value


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with the query string left out of the access log (``%(r)s``, ``%(q)s``,
    the Referer ``%(f)s`` and header/environ atoms) and the personal-data filter on its handlers."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                    handler.addFilter(PersonalDataFilter())

    def atoms(self, resp, req, environ, request_time):
        environ = {**environ, "RAW_URI": _strip_query(environ.get("RAW_URI", "")), "QUERY_STRING": "",
                   "HTTP_REFERER": _strip_query(environ.get("HTTP_REFERER", "")) or "-"}
        headers = getattr(req, "headers", None)
        if headers is not None:
            req = _Headers([(name, _strip_query(value) if name.lower() == "referer" else value)
                            for name, value in headers])
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = "-"
        for name in ("r", "U", "f"):
            atoms[name] = mask(str(atoms[name]))
        return atoms


class _Headers:
    def __init__(self, headers):
        self.headers = headers
