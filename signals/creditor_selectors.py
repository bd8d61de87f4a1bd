"""Finding a creditor by what an operator types on the command line: its name or its id."""
from .models import Creditor


def creditor_get_by_name_or_id(value: str) -> Creditor | None:
    """The creditor named exactly ``value``; else the one with id ``value`` (digits only); else the
    one creditor whose name is ``value`` ignoring case and surrounding spaces. None when there is
    none, and never a guess: when names differ only in case, only the exact one is found."""
    creditor = Creditor.objects.filter(name=value).first()
    if creditor is None and value.isdigit():
        creditor = Creditor.objects.filter(pk=int(value)).first()
    if creditor is None:
        matches = list(Creditor.objects.filter(name__iexact=value.strip())[:2])
        creditor = matches[0] if len(matches) == 1 else None
    return creditor
