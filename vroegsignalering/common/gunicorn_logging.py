"""gunicorn's logger without personal data in the access log (review D13; ``vroegsignalering.common.logging``).
Only gunicorn loads this module (``logger_class`` in gunicorn.conf.py)."""
from gunicorn.glogging import Logger as _GunicornLogger

from .logging import PersonalDataFilter, mask, url_pattern


def _strip_query(value: str) -> str:
    return value.split("?", 1)[0] if value else value


def _paths_as_patterns(args: tuple) -> tuple:
    return tuple(url_pattern(arg.split("?", 1)[0]) if isinstance(arg, str) and arg.startswith("/") else arg
                 for arg in args)


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger without personal data in the access log: the path is the URL pattern it
    matched (``/api/v1/signalen/<signaal_id:signaalId>``: the ids in a path are the caller's data;
    ``%(U)s`` and ``%(r)s``), no query string anywhere (``%(q)s``, the Referer ``%(f)s``, header and
    environ atoms), masked values; the request id (``%({x-request-id}o)s``) joins a line to the app's
    logs. Its handlers get the personal-data filter."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                    handler.addFilter(PersonalDataFilter())

    # gunicorn's own messages name a request's path ("GET /api/v1/signalen/<id>" at debug, "Error handling
    # request <uri>"): the URL pattern instead.
    def critical(self, msg, *args, **kwargs):
        super().critical(msg, *_paths_as_patterns(args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(msg, *_paths_as_patterns(args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(msg, *_paths_as_patterns(args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(msg, *_paths_as_patterns(args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(msg, *_paths_as_patterns(args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(msg, *_paths_as_patterns(args), **kwargs)

    def log(self, lvl, msg, *args, **kwargs):
        super().log(lvl, msg, *_paths_as_patterns(args), **kwargs)

    def atoms(self, resp, req, environ, request_time):
        environ = {**environ, "RAW_URI": _strip_query(environ.get("RAW_URI", "")), "QUERY_STRING": "",
                   "HTTP_REFERER": _strip_query(environ.get("HTTP_REFERER", "")) or "-"}
        headers = getattr(req, "headers", None)
        if headers is not None:
            req = _Headers([(name, _strip_query(value) if name.lower() == "referer" else value)
                            for name, value in headers])
        atoms = super().atoms(resp, req, environ, request_time)
        pattern = url_pattern(environ.get("PATH_INFO") or "/")
        atoms.update({"q": "-", "U": pattern, "r": f"{atoms['m']} {pattern} {atoms['H']}", "f": mask(str(atoms["f"]))})
        used = self.cfg.access_log_format.lower()  # header and environ atoms: only those the format shows
        for key in [key for key in atoms if key.endswith(("}e", "}i")) and f"%({key.lower()})" in used]:
            atoms[key] = mask(_strip_query(str(atoms[key])))
        return atoms


class _Headers:
    def __init__(self, headers):
        self.headers = headers

