"""One refusal type for every service: a Dutch message for the user, a stable code, and the fields
it is about. A ``ValidationError``, so forms, views and the APIs show it and change nothing.

Each domain lists its codes as a ``TextChoices`` enum beside its services (for example
``cases/refusals.py``); the codes the municipal API returns (its 409 ``code``) never change.
"""
from django.core.exceptions import ValidationError


class Refusal(ValidationError):  # noqa: N818 (a refusal is not an error of the system)
    """The action is not allowed now. ``fields`` maps input names to a Dutch message when the
    refusal is about particular fields (forms and the APIs show them next to the field)."""

    def __init__(self, message, code=None, params=None, *, fields: dict[str, str] | None = None):
        super().__init__(message, code=str(code) if code is not None else None, params=params)
        self.fields = dict(fields or {})


class CsvFileError(Refusal):
    """An uploaded file as a whole cannot be imported; nothing is stored or changed. ``messages`` are
    Dutch, one per problem (the CSV import of signals, and of the SHV register as ``ShvImportError``)."""

    def __init__(self, messages: str | list[str]):
        super().__init__([messages] if isinstance(messages, str) else list(messages))

    def __str__(self) -> str:
        return " ".join(self.messages)
