"""Who sees what in the Django admin (`/beheer/`): one mixin per kind of object (security review D1–D5).

- ``MunicipalityScopedAdminMixin``: a municipality's rows (cases, signals, trays, rules, policy, SHV rows …).
  Its functional administrators see and change their own municipalities' rows; superusers all; the
  installation administrator none (it sees no case data).
- ``InstallationAdminMixin``: installation-wide objects (creditors, their API keys and webhooks). The
  installation administrator and superusers; a municipality's functional administrator none.
- The user admin and the municipality admin (``accounts.admin``) combine both: who manages which user is
  ``accounts.selectors.users_visible_in_admin`` / ``users_manageable_by``.

Every kind scopes its rows in ``get_queryset``, which Django's changelist, change form, history, delete,
actions, password view and autocomplete all resolve through, and offers in a choice (a foreign key, a
many-to-many, a list filter) only the rows the related model's own admin shows this user
(``ScopedChoicesMixin``). Deleting is for superusers only. These mixins live in accounts, not in common,
because they name roles.
"""
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered

from vroegsignalering.common.tenancy import scope

from .permissions import is_functional_admin, is_installation_admin, is_superuser, uses_admin


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices (and the admin's own related lookups) come from the related
    model's admin, scoped for this user: a functional administrator never picks another municipality, its
    trays or users, nor a creditor (that is installation-wide)."""

    def get_field_queryset(self, db, db_field, request):
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return super().get_field_queryset(db, db_field, request)
        queryset = related_admin.get_queryset(request).using(db)
        ordering = related_admin.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


class FunctionalAdminMixin(ScopedChoicesMixin):
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


class InstallationAdminMixin(ScopedChoicesMixin):
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

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_installation_admin(request.user) else queryset.none()


class MunicipalityScopedAdminMixin(FunctionalAdminMixin):
    """Rows of a municipality: a functional administrator sees only their own municipalities'
    (``municipality_lookup`` leads from a row to its municipality); list filters on a relation offer only
    the related rows that occur in those rows."""

    municipality_lookup = "municipality"

    def get_queryset(self, request):
        return admin_scope(super().get_queryset(request), request.user, municipality_lookup=self.municipality_lookup)

    def get_list_filter(self, request):
        return [_related_only(self.model, entry) for entry in super().get_list_filter(request)]


def _related_only(model, entry):
    """A list filter on a foreign key lists only the values in the (scoped) rows, not every municipality."""
    if isinstance(entry, str) and "__" not in entry:
        field = model._meta.get_field(entry)
        if field.is_relation and field.many_to_one:
            return entry, admin.RelatedOnlyFieldListFilter
    return entry


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


admin.site.site_header = "Vroegsignalering – beheer"
admin.site.site_title = "Vroegsignalering beheer"
admin.site.index_title = "Beheer"
admin.site.has_permission = lambda request: uses_admin(request.user)
