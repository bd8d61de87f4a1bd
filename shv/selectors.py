"""Reads of the SHV register, always scoped to one municipality."""
from django.db.models import QuerySet

from accounts.models import Municipality

from .models import ShvRegistration


def shv_registration_list(*, municipality: Municipality, bsn: str) -> QuerySet[ShvRegistration]:
    """The products in ``municipality``'s own register for ``bsn`` (never another municipality's)."""
    return ShvRegistration.objects.filter(municipality=municipality, bsn=bsn).order_by("start_date", "pk")


def shv_registration_list_many(*, municipality: Municipality, bsns) -> QuerySet[ShvRegistration]:
    """The products in ``municipality``'s own register for any of ``bsns`` (one read for a chunk of checks)."""
    return ShvRegistration.objects.filter(municipality=municipality, bsn__in=list(bsns)).order_by("start_date", "pk")


def shv_register_size(*, municipality: Municipality) -> int:
    return ShvRegistration.objects.filter(municipality=municipality).count()
