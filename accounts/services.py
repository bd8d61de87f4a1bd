"""Writes for municipalities and users."""
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import API_ROLES, Municipality, UserAPIKey
from .selectors import user_manageable_by

logger = logging.getLogger(__name__)


def municipality_create_or_update(
    *, cbs_code: str, name: str, inhabitants: int | None = None, threshold_amount: Decimal | None = None,
    retention_months: int | None = None,
) -> tuple[Municipality, bool]:
    with transaction.atomic():
        municipality = Municipality.objects.select_for_update().filter(cbs_code=cbs_code).first()
        created = municipality is None
        if created:
            municipality = Municipality(cbs_code=cbs_code)
        municipality.name = name
        if inhabitants is not None:
            municipality.inhabitants = inhabitants
        if threshold_amount is not None:
            municipality.threshold_amount = threshold_amount
        if retention_months is not None:
            municipality.retention_months = retention_months
        municipality.full_clean()
        municipality.save()
    return municipality, created


# The municipality's own settings an operator may change (``municipality_settings_update``).
MUNICIPALITY_SETTINGS = ("name", "inhabitants", "period_closing_day", "threshold_amount", "threshold_exempt_kinds",
                         "arrear_age_windows", "retention_months")


def municipality_settings_update(*, municipality: Municipality, by=None, **changes) -> list[str]:
    """Change a municipality's settings (names in ``MUNICIPALITY_SETTINGS``), all or nothing: every
    value is validated first (``ValidationError`` with Dutch messages per field, nothing changed).
    Returns the names of the fields that changed; logged with who changed them."""
    unknown = set(changes) - set(MUNICIPALITY_SETTINGS)
    if unknown:
        raise ValueError(f"Unknown municipality settings: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
        changed = [name for name, value in changes.items() if getattr(municipality, name) != value]
        for name in changed:
            setattr(municipality, name, changes[name])
        if changed:
            municipality.full_clean()
            municipality.save(update_fields=changed)
            logger.info("Municipality %s settings changed by %s: %s", municipality.cbs_code, _actor(by),
                        ", ".join(changed))
    return changed


def _actor(by) -> str:
    return f"{by.username} (#{by.pk})" if by is not None else "beheercommando"


def user_token_outside_scope(*, user, by) -> str | None:
    """A Dutch refusal when ``by`` (an administrator) may not issue a token for ``user``: the token acts as
    the user, so only for a user ``by`` manages (``accounts.selectors.users_manageable_by``: for a functional
    administrator, every membership of the user within the administrator's municipalities). Superusers and
    the server's management commands (``by`` None) may issue for anyone."""
    if by is None or by.is_superuser:
        return None
    if user_manageable_by(user, by):
        return None
    return (f"U kunt geen token uitgeven voor {user.username}: deze gebruiker werkt niet (alleen) voor uw "
            "gemeenten. Vraag de beheerder van de installatie.")


def user_token_issue(*, user, name: str, expiry_date=None, by=None):
    """Issue a municipal-API token to a user; the plain token is returned once, only its hash is stored.

    Only roles that work on cases (and service accounts) get a token; others would be refused anyway. ``by``
    is the administrator issuing it (None: a management command on the server); a functional administrator
    only for users of their own municipalities. Logged (who, for whom, prefix; never the token)."""
    if user.role not in API_ROLES:
        raise ValidationError(
            f"Gebruiker {user.username} heeft de rol {user.get_role_display()}; alleen vroegsignaleerders, "
            "teamleiders en serviceaccounts kunnen een token voor de gemeentelijke API krijgen."
        )
    if not user.is_active:
        raise ValidationError(f"Gebruiker {user.username} is niet actief.")
    refusal = user_token_outside_scope(user=user, by=by)
    if refusal:
        logger.warning("API token refused: by=%s for=%s (#%s): no shared municipality", _actor(by), user.username,
                       user.pk)
        raise ValidationError(refusal, code="outside_municipalities")
    api_key, key = UserAPIKey.objects.create_key(name=name[:50], user=user, expiry_date=expiry_date)
    logger.info("API token issued: by=%s for=%s (#%s) prefix=%s expiry=%s", _actor(by), user.username, user.pk,
                api_key.prefix, expiry_date)
    return api_key, key


def user_token_revoke(*, api_key, by=None) -> bool:
    """Revoke a token (cannot be undone). Returns False when it was already revoked. Logged."""
    with transaction.atomic():
        api_key = UserAPIKey.objects.select_for_update().select_related("user").get(pk=api_key.pk)
        if api_key.revoked:
            return False
        api_key.revoked = True
        api_key.save(update_fields=["revoked"])
    logger.info("API token revoked: by=%s for=%s (#%s) prefix=%s", _actor(by), api_key.user.username,
                api_key.user_id, api_key.prefix)
    return True
