"""Request parsers for the APIs (kept free of other imports: DRF loads them while its views module loads)."""
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deeply for Python's json module is a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("De inhoud is te diep genest.") from None
