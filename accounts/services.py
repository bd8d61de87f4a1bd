"""Writes for municipalities and users."""
from decimal import Decimal

from django.db import transaction

from .models import Municipality


def municipality_create_or_update(
    *, cbs_code: str, name: str, inhabitants: int, threshold_amount: Decimal | None = None,
    retention_months: int | None = None,
) -> tuple[Municipality, bool]:
    with transaction.atomic():
        municipality = Municipality.objects.select_for_update().filter(cbs_code=cbs_code).first()
        created = municipality is None
        if created:
            municipality = Municipality(cbs_code=cbs_code)
        municipality.name = name
        municipality.inhabitants = inhabitants
        if threshold_amount is not None:
            municipality.threshold_amount = threshold_amount
        if retention_months is not None:
            municipality.retention_months = retention_months
        municipality.full_clean()
        municipality.save()
    return municipality, created
