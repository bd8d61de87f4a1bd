"""The Django admin (`/beheer/`) is for functional administrators only.

Who gets in is ``accounts.permissions.is_functional_admin``; which rows they see is the one tenancy
rule (``vroegsignalering.common.tenancy.scope``) with the admin class's ``municipality_lookup``
(superusers see every row). These mixins live in accounts, not in common, because they name roles.
"""
from django.contrib import admin

from vroegsignalering.common.tenancy import scope

from .permissions import is_functional_admin, is_installation_admin, is_superuser, uses_admin


class FunctionalAdminMixin:
    """Functional administrators may view, add and change; deleting is left to superusers."""

    def has_module_permission(self, request):
        return is_functional_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_functional_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_functional_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_functional_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user)


class InstallationAdminMixin:
    """Installation-wide objects (municipalities, creditors, their API keys and webhooks): the installation's
    administrator (and superusers) only; a municipality's functional administrator does not see them."""

    def has_module_permission(self, request):
        return is_installation_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_installation_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_installation_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_installation_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user)


class MunicipalityScopedAdminMixin:
    """Rows with personal data: a functional administrator sees only their own municipalities'."""

    municipality_lookup = "municipality"

    def get_queryset(self, request):
        return admin_scope(super().get_queryset(request), request.user, municipality_lookup=self.municipality_lookup)


def admin_scope(queryset, user, *, municipality_lookup: str = "municipality"):
    """The rows of ``queryset`` an administrator may see in ``/beheer/``: superusers all, a functional
    administrator their own municipalities' (``municipality_lookup`` leads from a row to its municipality)."""
    return scope(queryset, user, roles=is_functional_admin, municipality_lookup=municipality_lookup,
                 unscoped=is_superuser)


class ReadOnlyAdminMixin(FunctionalAdminMixin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = "Vroegsignalering – functioneel beheer"
admin.site.site_title = "Vroegsignalering beheer"
admin.site.index_title = "Beheer"
admin.site.has_permission = lambda request: uses_admin(request.user)
