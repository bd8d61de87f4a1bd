"""Reads of users and memberships, scoped like every other read (ADR 0009)."""
from __future__ import annotations

from django.db.models import QuerySet

from .models import User
from .permissions import is_superuser


def users_sharing_a_municipality(user) -> QuerySet[User]:
    """The users a functional administrator may manage tokens for: those of the administrator's own
    municipalities (a token acts as its user). Superusers: everyone."""
    users = User.objects.all()
    if is_superuser(user):
        return users
    return users.filter(municipalities__in=user.municipalities.all()).distinct()
