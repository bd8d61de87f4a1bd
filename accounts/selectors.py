"""Reads of users and memberships, scoped like every other read (ADR 0009).

Who manages whom in ``/beheer/`` (security review D1):

- a superuser: everyone;
- the installation administrator: the municipalities' functional administrators and the users without a
  municipality (creditor staff, new accounts); never a superuser or another installation administrator;
- a municipality's functional administrator: the case workers, team leads, auditors and service accounts
  whose every membership lies within the administrator's own municipalities (a user who also works for
  another municipality is that municipality's business too: changing their password would open it). Fellow
  functional administrators of those municipalities are shown, read-only; superusers, installation staff,
  creditor staff and users without a municipality never.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Municipality, Role, User
from .permissions import is_functional_admin, is_installation_admin, is_superuser

# The roles a municipality's functional administrator hands out (never an administrator role: only the
# installation administrator appoints functional administrators).
FUNCTIONAL_ADMIN_GRANTS = (Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.AUDITOR, Role.SERVICE_ACCOUNT,
                           Role.BELEIDSMEDEWERKER)
# The roles the installation administrator hands out: a municipality's functional administrator and a
# creditor's staff member. Municipal case work is the functional administrator's to grant.
INSTALLATION_ADMIN_GRANTS = (Role.FUNCTIONEEL_BEHEERDER, Role.VASTELASTENPARTNER)


def _acts_as_functional_admin(user) -> bool:
    """A functional administrator that is not a superuser (a superuser is unscoped)."""
    return is_functional_admin(user) and not is_superuser(user) and user.role == Role.FUNCTIONEEL_BEHEERDER


def _acts_as_installation_admin(user) -> bool:
    return is_installation_admin(user) and not is_superuser(user)


def municipalities_administered_by(user) -> QuerySet[Municipality]:
    """The municipalities whose users and configuration ``user`` manages in ``/beheer/``."""
    if is_superuser(user) or _acts_as_installation_admin(user):
        return Municipality.objects.all()
    if _acts_as_functional_admin(user):
        return user.municipalities.all()
    return Municipality.objects.none()


def roles_grantable_by(user) -> tuple[str, ...]:
    """The roles ``user`` may give someone in ``/beheer/`` (their own role is not among them)."""
    if is_superuser(user):
        return tuple(Role.values)
    if _acts_as_installation_admin(user):
        return INSTALLATION_ADMIN_GRANTS
    if _acts_as_functional_admin(user):
        return FUNCTIONAL_ADMIN_GRANTS
    return ()


def _within(municipalities) -> QuerySet[User]:
    """Non-superusers with at least one membership, all of them among ``municipalities``."""
    members = User.objects.filter(municipalities__in=municipalities).values("pk")
    outside = Municipality.objects.exclude(pk__in=municipalities.values("pk"))
    return (User.objects.filter(pk__in=members, is_superuser=False, creditor__isnull=True)
            .exclude(municipalities__in=outside))


def users_visible_in_admin(user) -> QuerySet[User]:
    """The users ``user`` sees in ``/beheer/`` (see the module's docstring)."""
    if is_superuser(user):
        return User.objects.all()
    if _acts_as_installation_admin(user):
        return User.objects.filter(is_superuser=False).exclude(role=Role.INSTALLATIEBEHEERDER).filter(
            Q(role=Role.FUNCTIONEEL_BEHEERDER) | Q(municipalities__isnull=True)).distinct()
    if _acts_as_functional_admin(user):
        if not user.municipalities.exists():
            return User.objects.none()
        return _within(user.municipalities.all()).filter(
            role__in=(*FUNCTIONAL_ADMIN_GRANTS, Role.FUNCTIONEEL_BEHEERDER))
    return User.objects.none()


def users_manageable_by(user) -> QuerySet[User]:
    """The users whose account, password, role and memberships ``user`` may change: those visible to them,
    except (for a functional administrator) fellow functional administrators and themselves."""
    visible = users_visible_in_admin(user)
    if _acts_as_functional_admin(user):
        return visible.filter(role__in=FUNCTIONAL_ADMIN_GRANTS)
    return visible


def user_manageable_by(target, user) -> bool:
    return target is not None and target.pk is not None and users_manageable_by(user).filter(pk=target.pk).exists()

