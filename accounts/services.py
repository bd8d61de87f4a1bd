"""Writes for municipalities and users."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import API_ROLES, Municipality, UserAPIKey


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


def user_token_issue(*, user, name: str, expiry_date=None):
    """Issue a municipal-API token to a user; the plain token is returned once, only its hash is stored.

    Only roles that work on cases (and service accounts) get a token; others would be refused anyway."""
    if user.role not in API_ROLES:
        raise ValidationError(
            f"Gebruiker {user.username} heeft de rol {user.get_role_display()}; alleen vroegsignaleerders, "
            "teamleiders en serviceaccounts kunnen een token voor de gemeentelijke API krijgen."
        )
    if not user.is_active:
        raise ValidationError(f"Gebruiker {user.username} is niet actief.")
    return UserAPIKey.objects.create_key(name=name[:50], user=user, expiry_date=expiry_date)


def user_token_revoke(*, api_key) -> bool:
    """Revoke a token (cannot be undone). Returns False when it was already revoked."""
    with transaction.atomic():
        api_key = UserAPIKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked:
            return False
        api_key.revoked = True
        api_key.save(update_fields=["revoked"])
    return True
