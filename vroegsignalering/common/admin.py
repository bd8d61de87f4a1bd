"""The Django admin (`/beheer/`) is for functional administrators only."""
from django.contrib import admin


def is_functional_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", "") == "functioneel_beheerder"))


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
        return request.user.is_superuser


class MunicipalityScopedAdminMixin:
    """Rows with personal data: a functional administrator sees only their own municipalities'."""

    municipality_lookup = "municipality"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.municipality_lookup}__in": request.user.municipalities.all()})


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
admin.site.has_permission = lambda request: is_functional_admin(request.user)
